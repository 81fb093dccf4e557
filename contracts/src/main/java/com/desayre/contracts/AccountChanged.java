package com.desayre.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * On {@link Topics#ACCOUNTS}, keyed by the username: whether a user may have jobs run. The gateway
 * writes one when an account is made, enabled or disabled, and every account's at its start; the topic
 * is compacted, so it holds each user's latest. prompt-encoder reads it whole to refuse a job record
 * whose owner has no account, or a disabled one ({@link JobError#OWNER_NOT_ALLOWED}).
 */
public record AccountChanged(int schemaVersion, String eventId, String username, boolean enabled, Instant occurredAt) {
    public static final int SCHEMA_VERSION = 1;

    public static AccountChanged of(String username, boolean enabled) {
        return new AccountChanged(SCHEMA_VERSION, UUID.randomUUID().toString(), username, enabled, Instant.now());
    }
}
