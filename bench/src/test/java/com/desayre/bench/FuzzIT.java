package com.desayre.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.providersim.SimulatorSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./desayre bench fuzz} in small, as a test: a few thousand seeded bad requests at every operation of the
 * whole studio's {@code /v3/api-docs}, and every promise kept: no 5xx, no stack trace in a body or in any service's
 * log, every 4xx a problem, and the fuzzer's own sessions still valid at the end (so the probes reached the code
 * behind sign-in). The bench runs 100,000; the figures are in docs/accounts.md.
 */
class FuzzIT {
    @Test
    void badInputAtEveryEndpointGetsAClearRefusalAndNothingBreaks() throws Exception {
        var simulator = SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC).withLatency(Duration.ofMillis(200));
        try (var studio = BenchStudio.start("fuzz-it", simulator, Map.of(), Map.of("desayre.limits.enabled", true))) {
            var result = FuzzBench.against(studio, new FuzzBench.Options(4000, 8, 20261203L, null));
            FuzzBench.print(result);

            assertThat(result.broken()).as("promises broken, with examples").isEmpty();
            assertThat(result.serverErrors()).isZero();
            assertThat(result.bodyTraces()).isZero();
            assertThat(result.notProblems()).isZero();
            assertThat(result.logTraces()).as("service log events with a stack trace: %s", result.logExamples()).isZero();
            assertThat(result.logErrors()).as("service errors logged: %s", result.logExamples()).isZero();
            assertThat(result.unauthorizedSignedIn()).isZero();
            // the probes got past the door: most answers are the validators' and handlers' refusals, some succeed
            assertThat(result.byStatus()).containsKeys(200, 400, 401, 404);
        }
    }
}
