package com.desayre.imageworker;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.platform.JobEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.image.requested}, has ModelsLabs make the image (answering at once or
 * after polling), and hands the result URLs to storage on {@code generation.media.ready}.
 */
@Component("generateImage")
class GenerateImages implements Consumer<EncodedJob> {
    private static final Logger log = LoggerFactory.getLogger(GenerateImages.class);
    static final String STAGE = "image-worker";
    private static final Duration MAX_POLL_GAP = Duration.ofSeconds(10);

    private final ModelsLabClient modelsLab;
    private final JobEvents events;
    private final ModelsLabSettings settings;

    GenerateImages(ModelsLabClient modelsLab, JobEvents events, ModelsLabSettings settings) {
        this.modelsLab = modelsLab;
        this.events = events;
        this.settings = settings;
    }

    @Override
    public void accept(EncodedJob job) {
        MDC.put("jobId", job.jobId());
        try {
            generate(job);
        } finally {
            MDC.remove("jobId");
        }
    }

    private void generate(EncodedJob job) {
        var started = Instant.now();
        var deadline = started.plus(settings.jobDeadline());
        events.status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.SUBMITTED, STAGE,
                "Sent to " + job.route().model() + "."));
        ModelsLabAnswer answer;
        try {
            answer = modelsLab.textToImage(job);
            var gap = Duration.ofMillis((long) (Math.min(Math.max(answer.etaSeconds(), 1), 30) * 1000));
            if (answer.outcome() == ModelsLabAnswer.Outcome.PROCESSING) {
                events.status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.PROCESSING, STAGE,
                        "The model is working on it" + (answer.etaSeconds() > 0 ? " (about " + Math.round(answer.etaSeconds()) + " s)." : ".")));
            }
            // polling is not failure: back off from the provider's eta, 1 → 2 → 4 … 10 s, until the deadline
            while (answer.outcome() == ModelsLabAnswer.Outcome.PROCESSING) {
                if (Instant.now().plus(gap).isAfter(deadline)) {
                    fail(job, JobError.PROVIDER_UNAVAILABLE, "The model did not finish within "
                            + settings.jobDeadline().toMinutes() + " minutes. Try again later.");
                    return;
                }
                sleep(gap);
                answer = modelsLab.fetch(answer);
                gap = min(gap.multipliedBy(2), MAX_POLL_GAP);
            }
        } catch (ProviderUnavailableException | org.springframework.web.client.ResourceAccessException e) {
            log.warn("ModelsLabs unavailable: {}", e.getMessage());
            fail(job, JobError.PROVIDER_UNAVAILABLE, "The image provider is not answering right now. Try again in a few minutes.");
            return;
        }
        if (answer.outcome() == ModelsLabAnswer.Outcome.ERROR || answer.outputs().isEmpty()) {
            var reason = answer.message().isBlank() ? "no output" : answer.message();
            log.info("ModelsLabs refused the job: {}", reason);
            fail(job, JobError.PROVIDER_REJECTED, "The image provider refused this job: " + reason);
            return;
        }
        var took = Duration.between(started, Instant.now()).toMillis();
        var seed = answer.seed() != null ? answer.seed() : job.spec().seed();
        events.send(Topics.MEDIA_READY, job.jobId(),
                MediaReady.of(job.jobId(), job.spec(), job.route(), answer.outputs(), answer.id(), seed, took));
        log.info("Image ready after {} ms", took);
    }

    private void fail(EncodedJob job, String code, String message) {
        events.status(StatusChanged.failed(job.jobId(), job.spec(), STAGE, new JobError(code, message)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration gap) {
        try {
            Thread.sleep(gap.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
