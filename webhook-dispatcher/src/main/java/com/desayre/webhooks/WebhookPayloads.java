package com.desayre.webhooks;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.platform.MediaLinks;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of a job's webhook: {@code {"type", "timestamp", "data"}}, {@code data} being the job as
 * {@code GET /api/jobs/{id}} shows it (the gateway's JobView: same fields, same names). Media URLs must work for a
 * receiver that cannot sign in: R2's public URL when there is one, else a link to the gateway's
 * {@code /media/source/…} signed with the media link secret (platform's {@link MediaLinks}, the links providers
 * already fetch sources with) that lasts {@code media-link-ttl}; without either, the plain {@code /api/media/…} URL
 * (which needs sign-in).
 */
@Component
class WebhookPayloads {
    static final Map<JobStatus, String> TYPES = Map.of(JobStatus.SUBMITTED, "job.started", JobStatus.COMPLETED, "job.completed",
            JobStatus.FAILED, "job.failed", JobStatus.CANCELLED, "job.cancelled");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String publicUrl;
    private final String gatewayUrl;
    private final MediaLinks links;

    WebhookPayloads(DispatcherSettings settings, @Value("${desayre.media.public-url:}") String publicUrl,
                    @Value("${desayre.media.link-secret:}") String linkSecret) {
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
        this.gatewayUrl = settings.gatewayUrl();
        this.links = linkSecret == null || linkSecret.isBlank() ? null : new MediaLinks(linkSecret, settings.mediaLinkTtl(), Clock.systemUTC());
    }

    /** The event type a status is sent as, or null when webhooks do not carry it. */
    static String type(StatusChanged status) {
        return TYPES.get(status.status());
    }

    String body(String type, StatusChanged status) {
        var media = status.media().stream().map(m -> {
            var item = new LinkedHashMap<String, Object>();
            item.put("url", url(m.key()));
            item.put("thumbnailUrl", m.thumbnailKey() == null ? null : url(m.thumbnailKey()));
            item.put("mimeType", m.mimeType());
            item.put("width", m.width());
            item.put("height", m.height());
            item.put("bytes", m.bytes());
            item.put("durationMs", m.durationMillis());
            return item;
        }).toList();
        var job = new LinkedHashMap<String, Object>();
        job.put("jobId", status.jobId());
        job.put("kind", status.kind().name());
        job.put("status", status.status().name());
        job.put("stage", status.stage());
        job.put("progress", status.progress());
        job.put("message", status.message());
        job.put("error", status.error());
        job.put("media", media);
        job.put("encoding", status.encoding());
        job.put("retry", status.retry());
        job.put("queue", null);
        job.put("updatedAt", status.occurredAt().toString());
        var body = new LinkedHashMap<String, Object>();
        body.put("type", type);
        body.put("timestamp", status.occurredAt().toString());
        body.put("data", job);
        return JSON.writeValueAsString(body);
    }

    private String url(String key) {
        if (publicUrl != null) {
            return publicUrl + "/" + key;
        }
        if (links != null) {
            return links.sign(gatewayUrl + MediaLinks.SOURCE_PATH + key, key);
        }
        return gatewayUrl + "/api/media/" + key;
    }

    static List<String> types() {
        return List.copyOf(TYPES.values());
    }
}
