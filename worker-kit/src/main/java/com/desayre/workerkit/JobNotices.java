package com.desayre.workerkit;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.platform.JobEvents;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;

/** What a worker tells the rest of DESAYRE: statuses, results, and its own dead letters. */
public class JobNotices {

    /**
     * Where the notices go: {@link JobEvents#send(String, String, Object, java.util.Map)} in a worker; the kit's
     * unit tests keep them in memory, so the step machine is tested without a broker.
     */
    @FunctionalInterface
    interface Outbox {
        void send(String topic, String key, Object event, java.util.Map<String, ?> headers);
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final Outbox events;
    private final String stage;
    private final String inputTopic;
    private final String provider;

    /**
     * @param stage      the worker's name on its statuses, e.g. {@code image-worker}
     * @param inputTopic the topic its jobs come from (its dead letters go to {@code <inputTopic>.dlq})
     * @param provider   the provider's name for people, e.g. {@code ModelsLabs}
     */
    public JobNotices(JobEvents events, String stage, String inputTopic, String provider) {
        this(events::send, stage, inputTopic, provider);
    }

    JobNotices(Outbox events, String stage, String inputTopic, String provider) {
        this.events = events;
        this.stage = stage;
        this.inputTopic = inputTopic;
        this.provider = provider;
    }

    public String stage() {
        return stage;
    }

    String provider() {
        return provider;
    }

    void submitted(EncodedJob job, int attempt, int maxAttempts) {
        status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.SUBMITTED, stage, "Sent to " + job.route().model()
                + (attempt > 1 ? " (attempt " + attempt + " of " + maxAttempts + ")." : ".")));
    }

    void processing(EncodedJob job, double etaSeconds) {
        status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.PROCESSING, stage,
                "The model is working on it" + (etaSeconds > 0 ? " (about " + Math.max(1, Math.round(etaSeconds)) + " s)." : ".")));
    }

    /** How a long job is doing: time since it was accepted and, where the provider says, how far along it is. */
    void progress(EncodedJob job, Integer percent, Duration elapsed) {
        var status = StatusChanged.of(job.jobId(), job.spec(), JobStatus.PROCESSING, stage, "The model is working on it"
                + (percent == null ? "" : ": " + percent + " %") + " after " + human(elapsed) + ".");
        status(percent == null ? status : status.withProgress(percent));
    }

    /** Past the provider deadline: the job is late, not lost. Told once; polling goes on. */
    void late(EncodedJob job, Duration deadline, Duration working, Duration retention) {
        status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.PROCESSING, stage, "This is taking longer than usual: "
                + provider + " has been working on it for " + human(working) + " (usually under " + human(deadline) + "). "
                + "DESAYRE keeps waiting for it until " + provider + " finishes or gives up (it keeps a job for "
                + human(retention) + ")."));
    }

    /** Where a waiting job stands in the line for a place at the provider. */
    void waiting(EncodedJob job, StatusChanged.QueueInfo place) {
        var lane = place.lane() == null ? "" : " (" + place.lane().name().toLowerCase(java.util.Locale.ROOT) + " lane)";
        status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.WAITING, stage, (place.position() == 1
                        ? "Next in line for " + provider + "'s " + job.route().model() + lane
                        : "Waiting for a place at " + provider + ": number " + place.position() + " in line for "
                        + job.route().model() + lane + ", " + place.ahead() + " ahead")
                        + (place.etaSeconds() == null ? "." : ", sent in about " + human(Duration.ofSeconds(place.etaSeconds())) + "."))
                .withQueue(place));
    }

    void retrying(EncodedJob job, int attempt, int maxAttempts, Instant next, String why) {
        status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.RETRYING, stage, "Attempt " + attempt + " of "
                        + maxAttempts + " failed (" + why + "). Next try at " + CLOCK.format(next) + ".")
                .withRetry(new StatusChanged.RetryInfo(attempt, maxAttempts, next)));
    }

    void parked(EncodedJob job, int attempt, int maxAttempts, Instant next) {
        status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.RETRYING, stage, provider + " is failing right now; "
                        + "your job waits until it recovers (next look at " + CLOCK.format(next) + ").")
                .withRetry(new StatusChanged.RetryInfo(attempt, maxAttempts, next)));
    }

    void mediaReady(EncodedJob job, ProviderAnswer answer, long generationMillis) {
        var seed = answer.seed() != null ? answer.seed() : job.spec().seed();
        events.send(Topics.MEDIA_READY, job.jobId(),
                MediaReady.of(job.jobId(), job.spec(), job.route(), List.copyOf(answer.outputs()), answer.providerId(), seed,
                        generationMillis), java.util.Map.of());
    }

    public void failed(EncodedJob job, String code, String message) {
        status(StatusChanged.failed(job.jobId(), job.spec(), stage, new JobError(code, message)));
    }

    void cancelled(EncodedJob job) {
        status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.CANCELLED, stage,
                StatusChanged.CANCELLED_ON_REQUEST));
    }

    /**
     * The job's record on {@code <input>.dlq}, with the binder's failure headers
     * ({@code x-original-*} in its binary encoding, {@code x-exception-*}) so one replay tool reads
     * both, plus DESAYRE's failure class and attempt count.
     */
    void deadLetter(JobRow row, ProviderFailure failure, int attempts) {
        var headers = new LinkedHashMap<String, Object>();
        headers.put("x-original-topic", bytes(inputTopic));
        if (row.sourcePartition() != null) {
            headers.put("x-original-partition", ByteBuffer.allocate(Integer.BYTES).putInt(row.sourcePartition()).array());
        }
        if (row.sourceOffset() != null) {
            headers.put("x-original-offset", ByteBuffer.allocate(Long.BYTES).putLong(row.sourceOffset()).array());
        }
        if (row.sourceTimestamp() != null) {
            headers.put("x-original-timestamp", ByteBuffer.allocate(Long.BYTES).putLong(row.sourceTimestamp()).array());
        }
        headers.put("x-exception-fqcn", bytes(ProviderFailure.class.getName()));
        headers.put("x-exception-message", bytes(failure.getMessage()));
        headers.put("x-desayre-failure-class", bytes(failure.failureClass().name()));
        headers.put("x-desayre-attempts", bytes(Integer.toString(attempts)));
        headers.put("x-desayre-stage", bytes(stage));
        events.send(Topics.dlq(inputTopic), row.jobId(), row.job(), headers);
    }

    private void status(StatusChanged status) {
        events.send(Topics.STATUS, status.jobId(), status, java.util.Map.of());
    }

    static String human(Duration elapsed) {
        long s = Math.max(0, elapsed.toSeconds());
        if (s >= 3600) {
            return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
        }
        return s < 60 ? s + " s" : s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
