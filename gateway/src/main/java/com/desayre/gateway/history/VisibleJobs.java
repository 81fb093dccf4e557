package com.desayre.gateway.history;

import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ApiProblem;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which jobs of the history a user may see: their own, and every one for an admin ({@link CurrentUser#maySee}); a
 * deleted job is nobody's. The one place the history's and the libraries' endpoints decide it, so that someone else's
 * job is the same 404 as a missing one everywhere, and neither controller needs the other.
 */
@Component
class VisibleJobs {
    private final HistoryRepository history;

    VisibleJobs(HistoryRepository history) {
        this.history = history;
    }

    /** The job, if {@code user} may see it; empty otherwise. */
    Mono<HistoryRepository.Row> find(String jobId, CurrentUser user) {
        return history.job(jobId).filter(row -> user.maySee(row.ownerId()));
    }

    /** The job, or the history's 404 if it is gone or not {@code user}'s to see. */
    Mono<HistoryRepository.Row> require(String jobId, CurrentUser user) {
        return find(jobId, user).switchIfEmpty(Mono.error(() -> ApiProblem.notFound("There is no job " + jobId + " in your history.")));
    }

    /** Those of {@code jobIds} that {@code user} may see. */
    Flux<HistoryRepository.Row> findAll(List<String> jobIds, CurrentUser user) {
        return history.jobs(jobIds).filter(row -> user.maySee(row.ownerId()));
    }
}
