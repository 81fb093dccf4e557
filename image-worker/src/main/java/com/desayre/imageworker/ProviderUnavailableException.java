package com.desayre.imageworker;

/** The provider could not be reached or was overloaded: worth another try. */
class ProviderUnavailableException extends RuntimeException {
    ProviderUnavailableException(String message) {
        super(message);
    }
}
