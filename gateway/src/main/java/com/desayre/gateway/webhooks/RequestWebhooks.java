package com.desayre.gateway.webhooks;

import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A {@code webhookUrl} on a generation request, for {@code generation}: checked like an endpoint's URL when the request
 * comes in, registered for the accepted jobs just before they are published (so no event can come before it).
 */
@Component
public class RequestWebhooks {
    private final WebhookUrls urls;
    private final Webhooks webhooks;

    RequestWebhooks(WebhookUrls urls, Webhooks webhooks) {
        this.urls = urls;
        this.webhooks = webhooks;
    }

    /** The URL once it passed the rule; a 400 {@code webhook-url-refused} problem otherwise. */
    public Mono<String> check(String url) {
        return urls.check(url);
    }

    /** Per-request endpoints for the jobs, signed with the owner's request secret. */
    public Mono<Void> register(String owner, String url, List<String> jobIds) {
        return webhooks.forJobs(owner, url, jobIds);
    }
}
