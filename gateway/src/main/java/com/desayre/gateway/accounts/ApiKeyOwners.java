package com.desayre.gateway.accounts;

import reactor.core.publisher.Mono;

/**
 * How sign-in checks a presented API key, and the key's shape: {@code dsy_<id>_<secret>}, where
 * {@code id} is 16 hex characters (public, the row's key) and {@code secret} 32 random bytes in
 * base64url. The {@code keys} feature stores the keys and implements this, so accounts never
 * depend on it.
 */
public interface ApiKeyOwners {
    String PREFIX = "dsy_";
    int ID_CHARS = 16;
    int SECRET_CHARS = 43;

    /** The owner of a valid, unrevoked key; empty otherwise. */
    Mono<String> owner(String token);

    static boolean looksLikeKey(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    /** The key's public id, or "" if the token is not shaped like a key. */
    static String id(String token) {
        var parsed = parse(token);
        return parsed == null ? "" : parsed[0];
    }

    /** {@code [id, secret]}, or null if the token is not shaped like a key. */
    static String[] parse(String token) {
        if (!looksLikeKey(token) || token.length() != PREFIX.length() + ID_CHARS + 1 + SECRET_CHARS
                || token.charAt(PREFIX.length() + ID_CHARS) != '_') {
            return null;
        }
        var id = token.substring(PREFIX.length(), PREFIX.length() + ID_CHARS);
        if (!id.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            return null;
        }
        return new String[] {id, token.substring(PREFIX.length() + ID_CHARS + 1)};
    }
}
