package com.desayre.gateway.accounts;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a username, a role and a password must look like. Each check answers {@code null} when
 * the value is fine, else a sentence naming what to change (never echoing a password).
 */
public final class AccountRules {
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    public static final Set<String> ROLES = Set.of(ADMIN, MEMBER);

    public static final int MIN_PASSWORD_CHARS = 12;
    /** bcrypt reads only the first 72 bytes; longer passwords are refused rather than silently cut. */
    static final int MAX_PASSWORD_BYTES = 72;

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,31}");
    private static final Set<String> TOO_COMMON = Set.of("password1234", "123456789012", "qwertyuiopas", "passwordpassword",
            "letmeinletmein", "administrator", "desayredesayre", "changemechangeme", "welcome12345", "iloveyou1234");

    /** Usernames are case-insensitive: stored and compared in lower case. */
    public static String normalize(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    public static String usernameProblem(String normalized) {
        if (!USERNAME.matcher(normalized).matches()) {
            return "A username is 3 to 32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }
        return null;
    }

    public static String passwordProblem(String password, String username) {
        if (password.codePointCount(0, password.length()) < MIN_PASSWORD_CHARS) {
            return "A password needs at least " + MIN_PASSWORD_CHARS + " characters; a few unrelated words make a good one.";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return "A password may be at most " + MAX_PASSWORD_BYTES + " bytes (bcrypt ignores the rest).";
        }
        var lower = password.toLowerCase(Locale.ROOT);
        if (username != null && !username.isEmpty() && lower.contains(username)) {
            return "A password must not contain the username.";
        }
        if (password.chars().distinct().count() < 4) {
            return "A password needs at least 4 different characters.";
        }
        if (TOO_COMMON.contains(lower)) {
            return "That password is too common; choose another.";
        }
        return null;
    }

    static boolean looksLikeBcrypt(String hash) {
        return hash != null && hash.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    }

    private AccountRules() {
    }
}
