package com.desayre.gateway;

import com.desayre.platform.EncoderConfiguration;
import com.desayre.platform.MediaLinksConfiguration;
import com.desayre.platform.PricingConfiguration;
import com.desayre.platform.MediaStoreConfiguration;
import com.desayre.platform.ServiceApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

@SpringBootApplication
@Import({EncoderConfiguration.class, MediaStoreConfiguration.class, MediaLinksConfiguration.class, PricingConfiguration.class})
@ConfigurationPropertiesScan
public class GatewayApplication {
    static final String LAST_FLUSH_WHEN_NO_READ = "reactor.netty.http.server.lastFlushWhenNoRead";

    static {
        // Reactor Netty 1.3.6/1.3.7 can stop reading a keep-alive connection when the client's next
        // request arrives before the previous response's operations have terminated, which happens
        // whenever a response completes off the event loop (after a Redis or Postgres call, i.e. every
        // signed-in call): that request then waits until the client gives up (reactor-netty #4347,
        // #4361; fixed upstream after 1.3.7, in a release that needs Netty 4.2.19). This switch
        // makes Reactor Netty dispatch such a request at once instead of queueing it. (Clients that
        // pipeline requests are not covered; browsers and common HTTP clients don't.) Reactor Netty
        // reads it once, when its HTTP server code first loads: this runs before any server starts.
        if (System.getProperty(LAST_FLUSH_WHEN_NO_READ) == null) {
            System.setProperty(LAST_FLUSH_WHEN_NO_READ, "true");
        }
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return ServiceApplication.builder(GatewayApplication.class, "gateway");
    }
}
