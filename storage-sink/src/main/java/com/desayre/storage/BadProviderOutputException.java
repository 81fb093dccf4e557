package com.desayre.storage;

/** The provider's output is not media we accept (wrong type, too large, unreadable): retrying won't help. */
class BadProviderOutputException extends Exception {
    BadProviderOutputException(String message) {
        super(message);
    }
}
