package com.desayre.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.desayre.platform.WebhookTargets;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SSRF-safe sender against a real receiver on loopback: what it refuses, pins, never follows and never reads. */
class PinnedHttpTest {
    private static Receiver receiver;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    private static PinnedHttp http(boolean allowPrivate, WebhookTargets.Resolver resolver, int maxResponseBytes) {
        return new PinnedHttp(allowPrivate, resolver, 2000, 2000, maxResponseBytes);
    }

    @Test
    void loopbackMetadataAndOtherSchemesAreRefusedWithoutAConnection() {
        var strict = http(false, WebhookTargets.Resolver.SYSTEM, 65536);
        for (var url : new String[] {receiver.url("/refused"), "http://localhost:" + receiver.port() + "/refused",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]:" + receiver.port() + "/refused", "file:///etc/passwd"}) {
            assertThatThrownBy(() -> strict.post(url, Map.of(), "{}")).as(url).isInstanceOf(WebhookTargets.Refused.class);
        }
        assertThat(receiver.to("/refused")).isEmpty();
    }

    @Test
    void aRedirectIsAnAnswerNeverFollowed() throws Exception {
        receiver.redirect("/moved", receiver.url("/inside"));
        var answer = http(true, WebhookTargets.Resolver.SYSTEM, 65536).post(receiver.url("/moved"), Map.of(), "{}");
        assertThat(answer.status()).isEqualTo(302);
        assertThat(receiver.to("/moved")).hasSize(1);
        assertThat(receiver.to("/inside")).isEmpty();
    }

    @Test
    void theConnectionGoesToTheCheckedAddressWithTheUrlsHost() throws Exception {
        // a name resolved once, by the check: the connection uses that address and sends the name as Host
        WebhookTargets.Resolver dns = host -> host.equals("hooks.test") ? new InetAddress[] {InetAddress.getLoopbackAddress()}
                : WebhookTargets.Resolver.SYSTEM.resolve(host);
        var answer = http(true, dns, 65536).post("http://hooks.test:" + receiver.port() + "/pinned?x=1", Map.of("webhook-id", "msg_1"), "{\"a\":1}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"seen\":\"/pinned\"}");
        var seen = receiver.to("/pinned").get(0);
        assertThat(seen.host()).isEqualTo("hooks.test:" + receiver.port());
        assertThat(seen.id()).isEqualTo("msg_1");
        assertThat(seen.body()).isEqualTo("{\"a\":1}");
        // the same name, not allowed to be private: refused before any connection
        assertThatThrownBy(() -> http(false, dns, 65536).post("http://hooks.test:" + receiver.port() + "/pinned", Map.of(), "{}"))
                .isInstanceOf(WebhookTargets.Refused.class).hasMessageContaining("loopback");
    }

    @Test
    void atMostTheConfiguredPartOfTheAnswerIsRead() throws Exception {
        var answer = http(true, WebhookTargets.Resolver.SYSTEM, 5).post(receiver.url("/short"), Map.of(), "{}");
        assertThat(answer.body()).isEqualTo("{\"see");
        assertThat(Dispatcher.excerpt("é".repeat(600))).hasSize(512);
    }
}
