package com.desayre.gateway.history;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * What the libraries keep in the gateway's own schema: each user's favourite jobs, and the short-lived
 * links to a zip of chosen jobs (V10). Who owns a job is the history's to say: callers check that first.
 */
@Repository
class Library {
    /** How long a zip link works: long enough for the browser to start the download, short enough not to be shared. */
    static final Duration ZIP_LINK_LIFE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseClient db;

    Library(DatabaseClient db) {
        this.db = db;
    }

    /** Stars the job for the user; starring it again changes nothing. */
    Mono<Void> favour(String ownerId, String jobId) {
        return db.sql("insert into gateway.favourites (owner_id, job_id) values (:owner, :job) on conflict do nothing")
                .bind("owner", ownerId).bind("job", jobId).then();
    }

    /** Removes the user's star; removing one that is not there changes nothing. */
    Mono<Void> unfavour(String ownerId, String jobId) {
        return db.sql("delete from gateway.favourites where owner_id = :owner and job_id = :job")
                .bind("owner", ownerId).bind("job", jobId).then();
    }

    /** Which of these jobs the user starred. */
    Mono<Set<String>> favourites(String ownerId, List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.just(Set.of());
        }
        return db.sql("select job_id from gateway.favourites where owner_id = :owner and job_id = any(:ids)")
                .bind("owner", ownerId).bind("ids", jobIds.toArray(String[]::new))
                .map(row -> row.get("job_id", String.class)).all().collect(Collectors.toUnmodifiableSet());
    }

    /** A link to a zip of these (already checked) jobs, for this user only, expiring after {@link #ZIP_LINK_LIFE}. */
    Mono<ZipLink> newZipLink(String ownerId, List<String> jobIds) {
        var bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        var id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        var expires = Instant.now().plus(ZIP_LINK_LIFE);
        // expired links are removed as new ones are made: the table holds minutes of links, never more
        return db.sql("delete from gateway.zip_links where expires_at < now()").then()
                .then(db.sql("insert into gateway.zip_links (id, owner_id, job_ids, expires_at) values (:id, :owner, :jobs, :expires)")
                        .bind("id", id).bind("owner", ownerId).bind("jobs", jobIds.toArray(String[]::new))
                        .bind("expires", expires.atOffset(ZoneOffset.UTC)).then())
                .thenReturn(new ZipLink(id, expires));
    }

    /** The jobs of a zip link that is the user's and has not expired. */
    Mono<List<String>> zipLink(String ownerId, String id) {
        return db.sql("select job_ids from gateway.zip_links where id = :id and owner_id = :owner and expires_at > now()")
                .bind("id", id).bind("owner", ownerId)
                .map(row -> List.of(row.get("job_ids", String[].class))).one();
    }

    record ZipLink(String id, Instant expiresAt) {
    }
}
