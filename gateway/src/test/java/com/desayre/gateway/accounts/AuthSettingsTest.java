package com.desayre.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class AuthSettingsTest {
    private static final String GOOD_SECRET = "0123456789abcdef0123456789abcdef";

    private static AuthSettings settings(String secret, String username, String hash, String password) {
        return new AuthSettings(secret, username, hash, password, null, null, false, null, null, null);
    }

    @Test
    void aShortJwtSecretStopsTheGatewayWithAnInstruction() {
        assertThatThrownBy(() -> settings("too-short", "admin", null, "pw"))
                .hasMessageContaining("JWT_SECRET").hasMessageContaining("32 bytes").hasMessageNotContaining("too-short");
        assertThatThrownBy(() -> settings(null, "admin", null, "pw"))
                .hasMessageContaining("JWT_SECRET");
    }

    @Test
    void noWayToSignInStopsTheGatewayToo() {
        assertThatThrownBy(() -> settings(GOOD_SECRET, "admin", " ", null))
                .hasMessageContaining("ADMIN_PASSWORD_HASH");
    }

    @Test
    void aHashThatIsNotBcryptIsRefusedWithoutPrintingIt() {
        assertThatThrownBy(() -> settings(GOOD_SECRET, "admin", "secret-sha1-abcdef", null))
                .hasMessageContaining("ADMIN_PASSWORD_HASH").hasMessageContaining("bcrypt").hasMessageNotContaining("secret-sha1");
        var hash = new BCryptPasswordEncoder().encode("a long enough password");
        assertThat(settings(GOOD_SECRET, "admin", hash, null).adminPasswordHash()).isEqualTo(hash);
    }

    @Test
    void passwordsAreHashedWithTenBcryptRoundsUnlessSetOtherwise() {
        assertThat(settings(GOOD_SECRET, "admin", null, "pw").bcryptStrength()).isEqualTo(10);
    }

    @Test
    void theAdminUsernameMustBeAUsableUsername() {
        assertThatThrownBy(() -> settings(GOOD_SECRET, "a b", null, "pw")).hasMessageContaining("ADMIN_USERNAME");
        assertThat(settings(GOOD_SECRET, "Boss", null, "pw").adminUsername()).isEqualTo("boss");
        assertThat(settings(GOOD_SECRET, null, null, "pw").adminUsername()).isEqualTo("admin");
    }

    @Test
    void sessionsAreShortByDefault() {
        var defaults = settings(GOOD_SECRET, "admin", null, "pw");
        assertThat(defaults.sessionTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(defaults.sessionMaxAge()).isEqualTo(Duration.ofHours(12));
        assertThat(defaults.login().perIp()).isEqualTo(50);
        assertThat(defaults.login().perAccountAndIp()).isEqualTo(5);
        assertThat(defaults.login().maxDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(defaults.login().window()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void secretsNeverPrint() {
        var settings = settings(GOOD_SECRET, "admin", null, "hunter2hunter2");
        assertThat(settings.toString()).doesNotContain(GOOD_SECRET).doesNotContain("hunter2");
    }
}
