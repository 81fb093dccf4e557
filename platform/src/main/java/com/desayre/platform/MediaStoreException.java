package com.desayre.platform;

import java.io.IOException;

/**
 * A media store request failed (R2 or another S3 server unreachable, refusing, or resetting the
 * connection). Its own type, so nobody mistakes the store's "Connection reset" for a client
 * hanging up on the service.
 */
public class MediaStoreException extends IOException {
    public MediaStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
