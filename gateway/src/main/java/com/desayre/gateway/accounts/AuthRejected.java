package com.desayre.gateway.accounts;

import org.springframework.security.core.AuthenticationException;

/** Why a presented token or key was refused; each reason maps to a 401 sentence (never echoing the token). */
final class AuthRejected extends AuthenticationException {
    enum Reason {
        EXPIRED("Your session has expired: sign in again (POST /api/auth/login)."),
        REVOKED("This session was signed out: sign in again (POST /api/auth/login)."),
        ENDED("This session ended because the password changed or the account was disabled: sign in again."),
        DISABLED("This account is disabled: ask an admin to enable it."),
        INVALID("The session token is not valid (bad signature, algorithm or claims): sign in again (POST /api/auth/login)."),
        BAD_API_KEY("The API key is not valid or was revoked: create a new one (POST /api/keys) after signing in."),
        BAD_WORKER_SECRET("The worker secret is wrong, or none is set on this gateway (WORKER_SECRET)."),
        UNAVAILABLE("Sign-in could not be checked just now; try again in a few seconds.");

        final String detail;

        Reason(String detail) {
            this.detail = detail;
        }
    }

    private final Reason reason;
    private final String detail;

    AuthRejected(Reason reason) {
        this(reason, reason.detail, null);
    }

    AuthRejected(Reason reason, Throwable cause) {
        this(reason, reason.detail, cause);
    }

    /** @param detail the 401's sentence when it can say more than the reason's own (which rule a token broke) */
    AuthRejected(Reason reason, String detail, Throwable cause) {
        super(reason.name(), cause);
        this.reason = reason;
        this.detail = detail;
    }

    Reason reason() {
        return reason;
    }

    String detail() {
        return detail;
    }
}
