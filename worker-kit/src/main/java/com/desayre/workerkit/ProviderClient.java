package com.desayre.workerkit;

import com.desayre.contracts.EncodedJob;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.util.concurrent.CompletableFuture;

/**
 * One provider's API, as {@link JobProgress} drives it: every call is a future (no thread waits on
 * the provider) that ends in a {@link ProviderAnswer} or fails with a classified
 * {@link ProviderFailure}.
 */
public interface ProviderClient {

    /** The provider's name for people, e.g. {@code ModelsLabs}. */
    String name();

    /** What a job makes, for people: {@code image}, {@code video}. */
    String makes();

    /** Sends a job; done (a synchronous provider) or pending with the provider's id. */
    CompletableFuture<ProviderAnswer> submit(EncodedJob job, TimeLimiter callTimeout);

    /** Asks about a job the provider holds ({@link JobRow#providerId()}). */
    CompletableFuture<ProviderAnswer> poll(JobRow row, TimeLimiter callTimeout);
}
