package com.desayre.gateway.accounts;

import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A signed-in caller: the {@link CurrentUser} (principal) and how they signed in. Holds no
 * secret: {@code getCredentials()} is null, and the session token is kept only for renewal
 * and sign-out.
 */
public final class DesayreAuthentication extends AbstractAuthenticationToken {
    static final String ROLE_ADMIN = "ROLE_ADMIN";
    static final String ROLE_MEMBER = "ROLE_MEMBER";
    /** Signed in with a session (password), not an API key: needed to manage keys and the password. */
    static final String SESSION = "AUTH_SESSION";
    static final String API_KEY = "AUTH_API_KEY";
    /** Automation holding {@code WORKER_SECRET}: the queue endpoints and nothing else (no role at all). */
    static final String WORKER_SECRET = "AUTH_WORKER_SECRET";
    /** The actor the audit log names for calls made with the worker secret. */
    static final String WORKER_SECRET_ACTOR = "worker-secret";

    enum Kind { SESSION, API_KEY, WORKER_SECRET }

    private final CurrentUser user;
    private final String role;
    private final Kind kind;
    private final transient Jwt session;
    private final String apiKeyId;

    private DesayreAuthentication(CurrentUser user, String role, Kind kind, Jwt session, String apiKeyId) {
        super(authorities(user, kind));
        this.user = user;
        this.role = role;
        this.kind = kind;
        this.session = session;
        this.apiKeyId = apiKeyId;
        setAuthenticated(true);
    }

    static DesayreAuthentication session(String username, String role, Jwt jwt) {
        return new DesayreAuthentication(new CurrentUser(username, AccountRules.ADMIN.equals(role)), role, Kind.SESSION, jwt, null);
    }

    static DesayreAuthentication apiKey(String username, String role, String keyId) {
        return new DesayreAuthentication(new CurrentUser(username, AccountRules.ADMIN.equals(role)), role, Kind.API_KEY, null, keyId);
    }

    static DesayreAuthentication workerSecret() {
        return new DesayreAuthentication(new CurrentUser(WORKER_SECRET_ACTOR, false), null, Kind.WORKER_SECRET, null, null);
    }

    private static List<GrantedAuthority> authorities(CurrentUser user, Kind kind) {
        var authorities = new ArrayList<GrantedAuthority>();
        if (kind == Kind.WORKER_SECRET) {
            authorities.add(new SimpleGrantedAuthority(WORKER_SECRET));
            return authorities;
        }
        authorities.add(new SimpleGrantedAuthority(user.admin() ? ROLE_ADMIN : ROLE_MEMBER));
        authorities.add(new SimpleGrantedAuthority(kind == Kind.SESSION ? SESSION : API_KEY));
        return authorities;
    }

    @Override
    public Object getPrincipal() {
        return user;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public String getName() {
        return user.id();
    }

    CurrentUser user() {
        return user;
    }

    String role() {
        return role;
    }

    Kind kind() {
        return kind;
    }

    /** The session token this request carried; null for an API key. */
    Jwt sessionToken() {
        return session;
    }

    public String apiKeyId() {
        return apiKeyId;
    }

    @Override
    public String toString() {
        return "DesayreAuthentication[" + user.id() + ", " + role + ", " + kind + "]";
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
