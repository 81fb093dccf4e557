package com.desayre.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which FAILED job the chaos harness puts on the provider, not on DESAYRE. */
class ChaosFailuresTest {

    private static ChaosBench.Job failed(String code, String message) {
        var job = new ChaosBench.Job("job-1", "video", "dsy_key", 1.0);
        job.status = "FAILED";
        job.code = code;
        job.message = message;
        return job;
    }

    @Test
    void aSubmitWhoseConnectionTheProviderDroppedIsTheProvidersAndOneAWorkerDroppedIsOurs() {
        assertTrue(ChaosBench.lostContactWithProvider(failed("SUBMISSION_UNKNOWN",
                "We lost contact with xAI while sending this job. It was not sent again so you are not charged twice; try again.")));
        assertFalse(ChaosBench.lostContactWithProvider(failed("SUBMISSION_UNKNOWN",
                "DESAYRE restarted while sending this job to xAI. It was not sent again so you are not charged twice; try again.")));
        assertFalse(ChaosBench.lostContactWithProvider(failed("STORAGE_FAILED", "We lost contact with the media store")));
        assertFalse(ChaosBench.lostContactWithProvider(failed("SUBMISSION_UNKNOWN", null)));
    }
}
