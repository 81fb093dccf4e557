package com.desayre.gateway.accounts;

import static com.desayre.gateway.AuthTestGateway.json;
import static com.desayre.gateway.AuthTestGateway.newAddress;
import static com.desayre.gateway.AuthTestGateway.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.gateway.AuthTestGateway;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The bootstrap admin comes from ADMIN_PASSWORD_HASH (a bcrypt hash): created at the first
 * start, and given the new password when the hash changes (ending its old sessions).
 */
class BootstrapAdminIT {

    @Test
    void theBootstrapAdminIsCreatedFromABcryptHashAndFollowsItsChanges() {
        var username = unique("chief");
        var bcrypt = new BCryptPasswordEncoder();
        var first = "the first chief passphrase";
        var second = "the second chief passphrase";
        String token;
        try (var gateway = new AuthTestGateway(Map.of("desayre.auth.admin-username", username,
                "desayre.auth.admin-password-hash", bcrypt.encode(first)))) {
            var login = gateway.login(username, first, newAddress());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(json(login).get("user").get("role").asString()).isEqualTo("admin");
            token = json(login).get("token").asString();
            assertThat(gateway.call("GET", "/api/admin/users", null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
            assertThat(gateway.login(username, "not the passphrase", newAddress()).statusCode()).isEqualTo(401);
        }

        try (var gateway = new AuthTestGateway(Map.of("desayre.auth.admin-username", username,
                "desayre.auth.admin-password-hash", bcrypt.encode(second)))) {
            assertThat(gateway.login(username, first, newAddress()).statusCode()).isEqualTo(401);
            var login = gateway.login(username, second, newAddress());
            assertThat(login.statusCode()).isEqualTo(200);
            var now = json(login).get("token").asString();
            // the session from before the change is over
            assertThat(gateway.call("GET", "/api/auth/me", null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);

            var audit = json(gateway.call("GET", "/api/admin/audit", null, "Authorization", "Bearer " + now));
            var actions = new ArrayList<String>();
            audit.forEach(entry -> {
                if (username.equals(entry.get("target").asString())) {
                    assertThat(entry.get("actor").asString()).isEqualTo("system");
                    actions.add(entry.get("action").asString());
                }
            });
            assertThat(actions).containsExactly("user.password-reset", "user.create");
        }
    }
}
