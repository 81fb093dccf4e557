package com.desayre.platform;

/** The URL patterns settings are checked against ({@code @Pattern}), so every service words them alike. */
public final class Urls {
    /** An http(s) URL: a scheme, then a host, no spaces. */
    public static final String HTTP = "https?://[^\\s/?#]+\\S*";
    public static final String HTTP_MESSAGE = "must be an http:// or https:// URL";
    /** Unset (empty), or an http(s) URL. */
    public static final String EMPTY_OR_HTTP = "|" + HTTP;
    public static final String EMPTY_OR_HTTP_MESSAGE = "must be empty or an http:// or https:// URL";

    private Urls() {
    }
}
