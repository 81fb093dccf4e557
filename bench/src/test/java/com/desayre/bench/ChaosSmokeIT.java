package com.desayre.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code ./desayre chaos --smoke} as a test: a whole {@code ./desayre up --cluster} (3 Kafka nodes, every service in
 * its own JVM, two of each worker and gateway) under a steady load through the REST API, while image-worker-1 is
 * killed with SIGKILL and PostgreSQL is stopped for 20 s. Every job accepted with 202 must end, none twice, none failed
 * for a reason of ours. An image the killed worker was sending at that moment is sent again (the image-worker's
 * documented {@code resubmit-unknown-outcome: true}): such a job may reach the provider twice, and then its cost must
 * say so (a possible duplicate, left out of totals and budgets) — never billed twice without a word.
 */
class ChaosSmokeIT {
    @Test
    void aKilledWorkerAndAPostgresOutageLoseDuplicateAndDoubleSubmitNothing() throws Exception {
        // the failsafe JVM runs in bench/: the project's root holds every service's jar
        var root = Path.of("..").toAbsolutePath().normalize();
        var result = ChaosBench.smoke(root, Path.of("target", "chaos-smoke").toAbsolutePath());

        assertThat(result.accepted()).as("jobs accepted over the run").isGreaterThan(50);
        assertThat(result.lost()).as("lost").isZero();
        assertThat(result.stuck()).as("stuck").isZero();
        assertThat(result.duplicated()).as("duplicated").isZero();
        assertThat(result.doubleSubmittedAndFlagged()).as("jobs submitted twice whose cost says so")
                .isEqualTo(result.doubleSubmitted());
        assertThat(result.failedByUs()).as("failed for a reason of ours").isZero();
        assertThat(result.completed() + result.failedByProvider()).isEqualTo(result.accepted());
    }
}
