package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitingLineTest {

    @Test
    void theEtaIsLittlesLawOnTheProvidersRecentPace() {
        // 5 jobs at the provider, each held 20 s: a place frees every 4 s
        var pace = new JobStore.Pace(5, 20_000.0);
        assertThat(WaitingLine.eta(1, pace)).isEqualTo(4);
        assertThat(WaitingLine.eta(250, pace)).isEqualTo(1_000);
    }

    @Test
    void noEtaWhileNothingFinishedLatelyOrNothingIsAtTheProvider() {
        assertThat(WaitingLine.eta(3, new JobStore.Pace(5, null))).isNull();
        assertThat(WaitingLine.eta(3, new JobStore.Pace(0, 20_000.0))).isNull();
        // never "0 s": the job is still waiting
        assertThat(WaitingLine.eta(1, new JobStore.Pace(100, 10.0))).isEqualTo(1);
    }

    @Test
    void timesReadAsPeopleSayThem() {
        assertThat(JobNotices.human(Duration.ofSeconds(42))).isEqualTo("42 s");
        assertThat(JobNotices.human(Duration.ofSeconds(125))).isEqualTo("2 min 5 s");
        assertThat(JobNotices.human(Duration.ofMinutes(5))).isEqualTo("5 min");
        assertThat(JobNotices.human(Duration.ofHours(24))).isEqualTo("24 h");
        assertThat(JobNotices.human(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
    }
}
