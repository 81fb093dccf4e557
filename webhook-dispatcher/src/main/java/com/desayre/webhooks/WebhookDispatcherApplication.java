package com.desayre.webhooks;

import com.desayre.platform.ServiceApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Sends signed webhooks for the jobs' terminal statuses (docs/webhooks.md). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebhookDispatcherApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return ServiceApplication.builder(WebhookDispatcherApplication.class, "webhook-dispatcher");
    }
}
