package com.desayre.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The wait an account's failures put on its sign-ins: none at first, then doubling, never past the cap. */
class LoginLimiterTest {
    private final AuthSettings.LoginLimits limits = new AuthSettings.LoginLimits(50, 5, Duration.ofMinutes(15), 3,
            Duration.ofSeconds(3));

    @Test
    void theFirstFailuresCostNothingThenTheWaitDoublesUpToTheCap() {
        assertThat(LoginLimiter.delay(0, limits)).isZero();
        assertThat(LoginLimiter.delay(2, limits)).isZero();
        assertThat(LoginLimiter.delay(3, limits)).isEqualTo(Duration.ofMillis(250));
        assertThat(LoginLimiter.delay(4, limits)).isEqualTo(Duration.ofMillis(500));
        assertThat(LoginLimiter.delay(6, limits)).isEqualTo(Duration.ofSeconds(2));
        assertThat(LoginLimiter.delay(7, limits)).isEqualTo(Duration.ofSeconds(3));
        // a million guesses at an account still cost its owner at most the cap
        assertThat(LoginLimiter.delay(1_000_000, limits)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theCapCannotBeSetLongEnoughToBecomeALockout() {
        // checked by the settings' constraints at start-up (GatewaySettingsValidationTest shows Boot's report)
        try (var validation = jakarta.validation.Validation.buildDefaultValidatorFactory()) {
            var violations = validation.getValidator().validate(new AuthSettings.LoginLimits(50, 5, null, 3, Duration.ofMinutes(15)));
            org.assertj.core.api.Assertions.assertThat(violations).singleElement().satisfies(violation -> {
                org.assertj.core.api.Assertions.assertThat(violation.getPropertyPath()).hasToString("maxDelay");
                org.assertj.core.api.Assertions.assertThat(violation.getMessage()).contains("must be at most 10s");
            });
        }
    }
}
