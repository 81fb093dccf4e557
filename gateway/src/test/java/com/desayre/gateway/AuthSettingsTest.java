package com.desayre.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {
    private static final String GOOD_SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void aShortJwtSecretStopsTheGatewayWithAnInstruction() {
        assertThatThrownBy(() -> new AuthSettings("too-short", "admin", null, "pw", Duration.ofHours(1), false))
                .hasMessageContaining("JWT_SECRET").hasMessageContaining("32 bytes").hasMessageNotContaining("too-short");
        assertThatThrownBy(() -> new AuthSettings(null, "admin", null, "pw", Duration.ofHours(1), false))
                .hasMessageContaining("JWT_SECRET");
    }

    @Test
    void noWayToSignInStopsTheGatewayToo() {
        assertThatThrownBy(() -> new AuthSettings(GOOD_SECRET, "admin", " ", null, Duration.ofHours(1), false))
                .hasMessageContaining("ADMIN_PASSWORD_HASH");
    }

    @Test
    void secretsNeverPrint() {
        var settings = new AuthSettings(GOOD_SECRET, "admin", null, "hunter2hunter2", Duration.ofHours(1), false);
        assertThat(settings.toString()).doesNotContain(GOOD_SECRET).doesNotContain("hunter2");
    }
}
