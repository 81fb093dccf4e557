package com.desayre.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.test.StepVerifier;

/**
 * Sign-in limits while Redis does not answer (nothing listens on its port), step by step: each instance counts on its
 * own with the same limits, so a guesser is still stopped and the owner elsewhere still only slowed; a success hands
 * its reservation back.
 */
class LoginLimiterFallbackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final LettuceConnectionFactory nowhere = connectToNothing();

    // 2 failures per (account, address), 5 per address; slowed from the first failure
    private final LoginLimiter limiter = new LoginLimiter(new ReactiveStringRedisTemplate(nowhere),
            new AuthSettings("0123456789abcdef0123456789abcdef", "admin", null, "pw", null, null, false,
                    new AuthSettings.LoginLimits(5, 2, Duration.ofMinutes(15), 1, Duration.ofSeconds(3)), null, null));

    private static LettuceConnectionFactory connectToNothing() {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    @AfterAll
    static void close() {
        nowhere.destroy();
    }

    @Test
    void aGuesserIsStoppedAndTheOwnerElsewhereOnlySlowed() {
        StepVerifier.create(limiter.reserve("ann", "203.0.113.1"))
                .assertNext(attempt -> assertThat(attempt.refused()).isFalse())
                .expectComplete()
                .verify(WAIT);
        StepVerifier.create(limiter.reserve("ann", "203.0.113.1"))
                .assertNext(attempt -> assertThat(attempt.delay()).isEqualTo(LoginLimiter.FIRST_DELAY))
                .expectComplete()
                .verify(WAIT);
        StepVerifier.create(limiter.reserve("ann", "203.0.113.1"))
                .assertNext(attempt -> assertThat(attempt.refusedFor()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(15)))
                .expectComplete()
                .verify(WAIT);
        // the owner, from another address: not refused, only slowed by the two failures on the account
        StepVerifier.create(limiter.reserve("Ann", "198.51.100.7"))
                .assertNext(attempt -> {
                    assertThat(attempt.refused()).isFalse();
                    assertThat(attempt.delay()).isEqualTo(LoginLimiter.FIRST_DELAY.multipliedBy(2));
                })
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void aSuccessHandsItsReservationBack() {
        StepVerifier.create(limiter.reserve("bob", "203.0.113.2")).expectNextCount(1).expectComplete().verify(WAIT);
        // Redis's share of the release fails quietly; this instance's count goes back
        StepVerifier.create(limiter.succeeded("bob", "203.0.113.2")).expectComplete().verify(WAIT);
        StepVerifier.create(limiter.reserve("bob", "203.0.113.2").then(limiter.reserve("bob", "203.0.113.2")))
                .assertNext(attempt -> assertThat(attempt.refused()).as("the success did not count").isFalse())
                .expectComplete()
                .verify(WAIT);
        StepVerifier.create(limiter.reserve("bob", "203.0.113.2"))
                .assertNext(attempt -> assertThat(attempt.refused()).isTrue())
                .expectComplete()
                .verify(WAIT);
    }
}
