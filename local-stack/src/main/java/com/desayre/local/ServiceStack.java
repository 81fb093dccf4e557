package com.desayre.local;

import com.desayre.encoder.PromptEncoderApplication;
import com.desayre.gateway.GatewayApplication;
import com.desayre.imageworker.ImageWorkerApplication;
import com.desayre.storage.StorageSinkApplication;
import com.desayre.videoworker.VideoWorkerApplication;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every DESAYRE service as a sibling Spring context in one JVM, talking to each other only
 * through Kafka (and the gateway through HTTP), exactly as they would as separate processes.
 * Only the gateway is a web server. One JVM keeps the memory of a local run small; each context
 * keeps its own configuration ({@code spring.config.name}) and function definition.
 */
public final class ServiceStack implements AutoCloseable {
    private final List<ConfigurableApplicationContext> started = new ArrayList<>();
    private ConfigurableApplicationContext gateway;

    /**
     * @param common  properties every service gets: where Kafka, Postgres, Redis and media are
     * @param gateway properties only the gateway gets (port, secrets)
     */
    public static ServiceStack start(Map<String, ?> common, Map<String, ?> gateway) {
        var stack = new ServiceStack();
        try {
            // storage-sink first: it owns the database migrations
            stack.run(StorageSinkApplication.builder(), common, Map.of(), false);
            stack.run(PromptEncoderApplication.builder(), common, Map.of(), false);
            stack.run(ImageWorkerApplication.builder(), common, Map.of(), false);
            stack.run(VideoWorkerApplication.builder(), common, Map.of(), false);
            stack.gateway = stack.run(GatewayApplication.builder(), common, gateway, true);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private ConfigurableApplicationContext run(SpringApplicationBuilder builder, Map<String, ?> common,
                                               Map<String, ?> own, boolean web) {
        var properties = new HashMap<String, Object>(common);
        properties.putAll(own);
        // this class closes the contexts in order, before the servers they use go away
        properties.put("spring.main.register-shutdown-hook", "false");
        // logging is one system per JVM: the first context's name would label every line, so name none
        properties.put("logging.include-application-name", "false");
        // as command-line arguments: they outrank the services' own yml files
        var arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).sorted()
                .toArray(String[]::new);
        var context = builder.web(web ? WebApplicationType.REACTIVE : WebApplicationType.NONE)
                .bannerMode(org.springframework.boot.Banner.Mode.OFF)
                .run(arguments);
        started.add(context);
        return context;
    }

    public ConfigurableApplicationContext gateway() {
        return gateway;
    }

    public int gatewayPort() {
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    /** Closes the services, the gateway first so no new job arrives while workers stop. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (RuntimeException e) {
                System.err.println("Stopping a service failed: " + e.getMessage());
            }
        }
        started.clear();
    }
}
