package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webhook address rule: what registration refuses and what the dispatcher refuses before connecting. */
class WebhookTargetsTest {
    /** A DNS of our own: names that resolve to what an attacker would point them at. */
    private static final Map<String, String[]> DNS = Map.of(
            "hooks.example.com", new String[] {"93.184.216.34"},
            "rebind.example.com", new String[] {"93.184.216.34", "127.0.0.1"},
            "metadata.example.com", new String[] {"169.254.169.254"},
            "v6.example.com", new String[] {"2606:2800:220:1:248:1893:25c8:1946"});
    private static final WebhookTargets.Resolver RESOLVER = host -> {
        var names = DNS.get(host);
        if (names == null) {
            try {
                return new InetAddress[] {InetAddress.getByName(host)}; // literals only: never a real lookup
            } catch (UnknownHostException e) {
                throw e;
            }
        }
        var addresses = new InetAddress[names.length];
        for (int i = 0; i < names.length; i++) {
            addresses[i] = InetAddress.getByName(names[i]);
        }
        return addresses;
    };

    @Test
    void aPublicHttpsUrlIsTakenWithEveryAddressAndItsPort() throws Exception {
        var target = WebhookTargets.resolve("https://hooks.example.com/desayre?x=1", false, RESOLVER);
        assertThat(target.port()).isEqualTo(443);
        assertThat(target.host()).isEqualTo("hooks.example.com");
        assertThat(target.addresses()).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
        assertThat(WebhookTargets.resolve("http://v6.example.com:8080/", false, RESOLVER).port()).isEqualTo(8080);
    }

    @Test
    void onlyHttpAndHttpsWithoutUserinfoOrFragment() {
        for (var url : new String[] {"file:///etc/passwd", "ftp://hooks.example.com/", "gopher://hooks.example.com/", "hooks.example.com/x",
                "https://user:pw@hooks.example.com/", "https://hooks.example.com/#x", "https:///nohost", "", "https://" + "a".repeat(2001)}) {
            assertThatThrownBy(() -> WebhookTargets.resolve(url, true, RESOLVER)).as(url).isInstanceOf(WebhookTargets.Refused.class);
        }
    }

    @Test
    void everyNonPublicAddressIsRefusedUnlessPrivateTargetsAreAllowed() throws Exception {
        for (var url : new String[] {"http://127.0.0.1/", "http://localhost/", "http://[::1]/", "http://0.0.0.0/", "http://10.1.2.3/",
                "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://metadata.example.com/",
                "http://100.64.0.1/", "http://[fd00::1]/", "http://[fd00:ec2::254]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/",
                "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/", "http://224.0.0.1/", "http://240.0.0.1/",
                "http://rebind.example.com/", "http://2130706433/"}) {
            assertThatThrownBy(() -> WebhookTargets.resolve(url, false, RESOLVER)).as(url).isInstanceOf(WebhookTargets.Refused.class)
                    .hasMessageContaining("public addresses");
        }
        assertThat(WebhookTargets.resolve("http://127.0.0.1:9/", true, RESOLVER).addresses()).hasSize(1);
        assertThat(WebhookTargets.notPublic(InetAddress.getByName("169.254.169.254"))).isEqualTo("the cloud metadata address");
    }

    @Test
    void anUnknownHostIsRefused() {
        WebhookTargets.Resolver nowhere = host -> {
            throw new UnknownHostException(host);
        };
        assertThatThrownBy(() -> WebhookTargets.resolve("https://nowhere.invalid/", true, nowhere))
                .isInstanceOf(WebhookTargets.Refused.class).hasMessageContaining("does not resolve");
    }
}
