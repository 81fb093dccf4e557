package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailedRecordLogTest {

    @Test
    void aGivenUpRecordIsDescribedByItsInnermostCauseInOneShortLine() {
        var why = new IllegalArgumentException("the record is not JSON");
        var retries = new RuntimeException("Retry policy exhausted", new IllegalStateException("handler failed", why));
        assertThat(FailedRecordLog.describe(retries)).isEqualTo("IllegalArgumentException: the record is not JSON");

        var long_ = FailedRecordLog.describe(new IllegalStateException("x".repeat(5_000)));
        assertThat(long_).hasSizeLessThan(400).endsWith("…").doesNotContain("\n");
        assertThat(FailedRecordLog.describe(new IllegalStateException("line one\n  at line two"))).endsWith("line one at line two");
        assertThat(FailedRecordLog.describe(null)).isEqualTo("unknown error");
    }
}
