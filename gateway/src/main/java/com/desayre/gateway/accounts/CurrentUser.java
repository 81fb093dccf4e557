package com.desayre.gateway.accounts;

import org.springframework.security.oauth2.jwt.Jwt;

/** Who is calling, read from the session token. */
public record CurrentUser(String id, boolean admin) {

    static CurrentUser of(Jwt jwt) {
        return new CurrentUser(jwt.getSubject(), "admin".equals(jwt.getClaimAsString(AuthController.ROLE_CLAIM)));
    }

    public boolean maySee(String ownerId) {
        return admin || id.equals(ownerId);
    }
}
