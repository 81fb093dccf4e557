package com.desayre.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.desayre.gateway.limits.RateLimitHeaders.Policy;
import com.desayre.gateway.limits.RateLimitHeaders.State;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    @Test
    void policiesAreAStructuredFieldListOfQuotedNamesWithIntegerParameters() {
        var field = RateLimitHeaders.policies(List.of(new Policy("burst", 20, 60L, null), new Policy("daily", 500, 86400L, null)));
        assertThat(field).isEqualTo("\"burst\";q=20;w=60, \"daily\";q=500;w=86400");
    }

    @Test
    void aPolicyWithoutAWindowOmitsWAndAUnitIsAQuotedString() {
        var field = RateLimitHeaders.policies(List.of(new Policy("in-flight", 4, null, "concurrent-requests")));
        assertThat(field).isEqualTo("\"in-flight\";q=4;qu=\"concurrent-requests\"");
    }

    @Test
    void statesCarryRemainingAndSecondsToReset() {
        var field = RateLimitHeaders.states(List.of(new State("burst", 12, 7L), new State("in-flight", 3, null)));
        assertThat(field).isEqualTo("\"burst\";r=12;t=7, \"in-flight\";r=3");
    }

    @Test
    void negativeNumbersAreClampedToZeroAndAWindowIsAtLeastOneSecond() {
        assertThat(RateLimitHeaders.states(List.of(new State("user", -2, -1L)))).isEqualTo("\"user\";r=0;t=0");
        assertThat(RateLimitHeaders.policies(List.of(new Policy("user", 5, 0L, null)))).isEqualTo("\"user\";q=5;w=1");
    }

    @Test
    void quotesAndBackslashesInNamesAreEscapedAndNonAsciiIsRefused() {
        assertThat(RateLimitHeaders.states(List.of(new State("a\"b\\c", 1, null)))).isEqualTo("\"a\\\"b\\\\c\";r=1");
        assertThatThrownBy(() -> RateLimitHeaders.states(List.of(new State("é", 1, null))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void millisecondsBecomeSecondsRoundedUpSoAClientIsNeverEarly() {
        assertThat(RateLimitHeaders.seconds(0)).isZero();
        assertThat(RateLimitHeaders.seconds(1)).isEqualTo(1);
        assertThat(RateLimitHeaders.seconds(1000)).isEqualTo(1);
        assertThat(RateLimitHeaders.seconds(1001)).isEqualTo(2);
    }

    @Test
    void bothFieldsAreSetTogetherOrNotAtAll() {
        var headers = RateLimitHeaders.of(List.of(new Policy("user", 30, 60L, null)), List.of(new State("user", 29, 2L)));
        assertThat(headers.getFirst("RateLimit-Policy")).isEqualTo("\"user\";q=30;w=60");
        assertThat(headers.getFirst("RateLimit")).isEqualTo("\"user\";r=29;t=2");
        assertThat(RateLimitHeaders.of(List.of(), List.of()).isEmpty()).isTrue();
    }
}
