package com.desayre.gateway.accounts;

import com.desayre.contracts.AccountChanged;
import com.desayre.contracts.Topics;
import com.desayre.gateway.messaging.JobPublisher;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Tells the pipeline who may have jobs run: each account's {@code {username, enabled}} on the compacted
 * {@code generation.accounts}, which prompt-encoder reads to refuse a job record (an integration may
 * publish one) whose owner has no account, or a disabled one. Written when an account is made, enabled or
 * disabled (before the answer, so a job sent right after finds it), and every account's once the gateway
 * is ready, so a write that failed is made good by the next start. A failed write is retried in the
 * background and never fails the change: the account's own table stays the truth.
 */
@Component
class AccountDirectory {
    private static final Logger log = LoggerFactory.getLogger(AccountDirectory.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

    private final JobPublisher kafka;
    private final ObjectProvider<Accounts> accounts;

    AccountDirectory(JobPublisher kafka, ObjectProvider<Accounts> accounts) {
        this.kafka = kafka;
        this.accounts = accounts;
    }

    /** Writes the account's standing; completes once Kafka took it, or once a background retry is under way. */
    Mono<Void> tell(String username, boolean enabled) {
        return write(username, enabled).timeout(WRITE_TIMEOUT).onErrorResume(error -> {
            log.warn("Could not write account {} to {} ({}); retrying in the background", username, Topics.ACCOUNTS, error.toString());
            write(username, enabled).retryWhen(Retry.backoff(10, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30)))
                    .subscribe(null, again -> log.error("Account {} is not on {}: {}", username, Topics.ACCOUNTS, again.toString()));
            return Mono.empty();
        });
    }

    @EventListener(ApplicationReadyEvent.class)
    void backfill() {
        accounts.getObject().list()
                .concatMap(user -> write(user.username(), user.enabled()))
                .then()
                .retryWhen(Retry.backoff(20, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30)))
                .subscribe(null, error -> log.error("Could not write the accounts to {}: {}", Topics.ACCOUNTS, error.toString()),
                        () -> log.info("Accounts written to {}", Topics.ACCOUNTS));
    }

    private Mono<Void> write(String username, boolean enabled) {
        return kafka.send(Topics.ACCOUNTS, username, AccountChanged.of(username, enabled));
    }
}
