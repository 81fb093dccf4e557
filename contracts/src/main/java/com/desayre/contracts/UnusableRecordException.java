package com.desayre.contracts;

/**
 * A record that can never succeed, however often it is delivered: unreadable, invalid, or too large
 * for the next hop. Every consumer's binding treats it as not retryable, so it goes to the binding's
 * dead-letter topic on its first delivery instead of holding up the records behind it.
 */
public class UnusableRecordException extends RuntimeException {

    public UnusableRecordException(String message) {
        super(message);
    }

    public UnusableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
