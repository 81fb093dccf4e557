package com.desayre.platform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring links to one stored object, for a provider that must fetch an edit's or a
 * video's source image and cannot sign in (ModelsLab and xAI take a URL only). The gateway serves
 * {@code /media/source/<key>?expires=…&signature=…} to anyone holding a valid link; without a
 * secret configured there are no links, and sources must come from a public bucket
 * ({@code R2_PUBLIC_URL}) instead.
 *
 * <p>The signature is an HMAC-SHA256 over the key and the expiry, so a link names exactly one
 * object for a short time and can't be bent to another key.
 */
public final class MediaLinks {
    public static final String SOURCE_PATH = "/media/source/";
    static final String EXPIRES = "expires";
    static final String SIGNATURE = "signature";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec secret;
    private final Duration lifetime;
    private final Clock clock;

    public MediaLinks(String secret, Duration lifetime, Clock clock) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("desayre.media.link-secret must be at least 32 bytes");
        }
        this.secret = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** {@code url} (already naming the object {@code key}) with an expiry and a signature appended. */
    public String sign(String url, String key) {
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        return url + (url.contains("?") ? "&" : "?") + EXPIRES + "=" + expires + "&" + SIGNATURE + "=" + mac(key, expires);
    }

    /** True when the link for {@code key} was signed here and has not expired. */
    public boolean verify(String key, String expires, String signature) {
        if (key == null || expires == null || signature == null || !expires.matches("\\d{1,12}")) {
            return false;
        }
        long at = Long.parseLong(expires);
        if (at < clock.instant().getEpochSecond()) {
            return false;
        }
        return MessageDigest.isEqual(mac(key, at).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String key, long expires) {
        try {
            var mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return HexFormat.of().formatHex(mac.doFinal((key + "\n" + expires).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
