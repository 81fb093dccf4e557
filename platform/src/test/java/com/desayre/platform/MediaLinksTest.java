package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaLinksTest {
    private static final String SECRET = "a-media-link-secret-of-at-least-32-bytes";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final MediaLinks links = new MediaLinks(SECRET, Duration.ofMinutes(30), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aSignedLinkVerifiesForItsKeyUntilItExpires() {
        var query = query(links.sign("http://gw/media/source/uploads/u/a.png", "uploads/u/a.png"));
        assertThat(query.get("expires")).isEqualTo(String.valueOf(NOW.plus(Duration.ofMinutes(30)).getEpochSecond()));
        assertThat(links.verify("uploads/u/a.png", query.get("expires"), query.get("signature"))).isTrue();

        var later = new MediaLinks(SECRET, Duration.ofMinutes(30), Clock.fixed(NOW.plus(Duration.ofMinutes(31)), ZoneOffset.UTC));
        assertThat(later.verify("uploads/u/a.png", query.get("expires"), query.get("signature"))).as("expired").isFalse();
    }

    @Test
    void aLinkCannotBeBentToAnotherKeyALaterExpiryOrAnotherSecret() {
        var query = query(links.sign("http://gw/media/source/job/0.png", "job/0.png"));
        assertThat(links.verify("job/1.png", query.get("expires"), query.get("signature"))).isFalse();
        assertThat(links.verify("job/0.png", String.valueOf(Long.parseLong(query.get("expires")) + 3600), query.get("signature")))
                .isFalse();
        var other = new MediaLinks(SECRET + "-other", Duration.ofMinutes(30), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(other.verify("job/0.png", query.get("expires"), query.get("signature"))).isFalse();
        assertThat(links.verify("job/0.png", null, query.get("signature"))).isFalse();
        assertThat(links.verify("job/0.png", "soon", query.get("signature"))).isFalse();
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> new MediaLinks("short", Duration.ofMinutes(1), Clock.systemUTC()))
                .hasMessageContaining("32 bytes");
    }

    private static Map<String, String> query(String url) {
        var query = new HashMap<String, String>();
        for (var pair : URI.create(url).getQuery().split("&")) {
            var eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return query;
    }
}
