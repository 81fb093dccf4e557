package com.desayre.gateway.webhooks;

import com.desayre.gateway.web.ApiProblem;
import com.desayre.platform.WebhookTargets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks a webhook URL when it is registered (platform's {@link WebhookTargets} rule; the dispatcher checks again
 * before each connection). Resolving a name blocks, so it runs off the event loop.
 */
@Component
public class WebhookUrls {
    public static final String REFUSED = "webhook-url-refused";
    private static final Logger log = LoggerFactory.getLogger(WebhookUrls.class);

    private final boolean allowPrivate;

    WebhookUrls(WebhookSettings settings) {
        this.allowPrivate = settings.allowPrivate();
        if (allowPrivate) {
            log.warn("DESAYRE_WEBHOOK_ALLOW_PRIVATE is on: webhook URLs may point at loopback and private addresses");
        }
    }

    /** The URL, stripped, once it passed; a 400 {@value #REFUSED} problem otherwise. */
    public Mono<String> check(String url) {
        return Mono.fromCallable(() -> WebhookTargets.resolve(url, allowPrivate, WebhookTargets.Resolver.SYSTEM).uri().toString())
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(WebhookTargets.Refused.class, refused -> new ApiProblem(HttpStatus.BAD_REQUEST, REFUSED,
                        "Webhook URL refused", refused.getMessage(), Map.of()));
    }
}
