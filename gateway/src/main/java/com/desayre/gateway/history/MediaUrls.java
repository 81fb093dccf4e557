package com.desayre.gateway.history;

import com.desayre.platform.MediaSettings;
import org.springframework.stereotype.Component;

/** Where a user fetches a stored object: R2's public URL when configured, else through the gateway. */
@Component
public class MediaUrls {
    static final String MEDIA_PATH = "/api/media/";
    private final String publicUrl;

    MediaUrls(MediaSettings settings) {
        var url = settings.publicUrl();
        this.publicUrl = url == null || url.isBlank() ? null : url.replaceAll("/+$", "");
    }

    public String url(String key) {
        return publicUrl == null ? MEDIA_PATH + key : publicUrl + "/" + key;
    }
}
