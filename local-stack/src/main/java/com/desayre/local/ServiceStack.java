package com.desayre.local;

import com.desayre.encoder.PromptEncoderApplication;
import com.desayre.gateway.GatewayApplication;
import com.desayre.imageworker.ImageWorkerApplication;
import com.desayre.storage.StorageSinkApplication;
import com.desayre.videoworker.VideoWorkerApplication;
import com.desayre.webhooks.WebhookDispatcherApplication;
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
    private Map<String, ?> commonProperties = Map.of();
    private Map<String, ?> gatewayProperties = Map.of();

    /**
     * @param common  properties every service gets: where Kafka, Postgres, Redis and media are
     * @param gateway properties only the gateway gets (port, secrets)
     */
    public static ServiceStack start(Map<String, ?> commonProperties, Map<String, ?> gatewayProperties) {
        var common = new HashMap<String, Object>(commonProperties);
        var gateway = new HashMap<String, Object>(gatewayProperties);
        servedSources(common, gateway);
        var stack = new ServiceStack();
        stack.commonProperties = Map.copyOf(common);
        stack.gatewayProperties = Map.copyOf(gateway);
        try {
            // storage-sink first: it owns the database migrations
            stack.run(StorageSinkApplication.builder(), common, Map.of(), false);
            stack.run(PromptEncoderApplication.builder(), common, Map.of(), false);
            stack.run(ImageWorkerApplication.builder(), common, Map.of(), false);
            stack.run(VideoWorkerApplication.builder(), common, Map.of(), false);
            stack.gateway = stack.run(GatewayApplication.builder(), common, gateway, true);
            // after the gateway: it migrates the webhook tables the dispatcher reads
            stack.run(WebhookDispatcherApplication.builder(), common,
                    Map.of("desayre.webhooks.gateway-url", "http://127.0.0.1:" + gateway.get("server.port")), false);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Unless sources are public (R2_PUBLIC_URL or a source base URL is set), the gateway serves an
     * edit's or a video's source image to the provider through signed links: a secret for this
     * run, and the gateway's address, which therefore must be known before it starts (a free port
     * is picked for port 0). A provider on the internet can't reach this address: real ModelsLabs
     * or xAI keys need a public R2_PUBLIC_URL for edits and image-to-video.
     */
    static void servedSources(Map<String, Object> common, Map<String, Object> gateway) {
        var env = System.getenv();
        boolean publicSources = !env.getOrDefault("R2_PUBLIC_URL", "").isBlank();
        common.putIfAbsent("desayre.media.link-secret", randomSecret());
        int port = Integer.parseInt(String.valueOf(gateway.getOrDefault("server.port", "8080")));
        if (port == 0) {
            port = freePort();
            gateway.put("server.port", port);
        }
        var sources = "http://127.0.0.1:" + port + com.desayre.platform.MediaLinks.SOURCE_PATH.replaceAll("/$", "");
        if (!publicSources && env.getOrDefault("MODELS_LABS_SOURCE_BASE_URL", "").isBlank()) {
            common.putIfAbsent("desayre.modelslabs.source-base-url", sources);
        }
        if (!publicSources && env.getOrDefault("XAI_SOURCE_BASE_URL", "").isBlank()) {
            common.putIfAbsent("desayre.xai.source-base-url", sources);
        }
    }

    private static String randomSecret() {
        var bytes = new byte[48];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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
        // nor label a line with the last context's name: a line is labelled by the service handling a job (the MDC's), else "local"
        properties.put("logging.pattern.correlation", "[%X{service:-local} %X{traceId:--} %X{spanId:--}] ");
        // as command-line arguments: they outrank the services' own yml files
        var arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).sorted()
                .toArray(String[]::new);
        var context = builder.web(web ? WebApplicationType.REACTIVE : WebApplicationType.NONE)
                .bannerMode(org.springframework.boot.Banner.Mode.OFF)
                .run(arguments);
        started.add(context);
        return context;
    }

    /** Stops the gateway alone (the other services go on working), as a deployment restarting it would. */
    public synchronized void stopGateway() {
        if (gateway != null) {
            started.remove(gateway);
            gateway.close();
            gateway = null;
        }
    }

    /** Starts the gateway again, on the same port and with the same settings as at first. */
    public synchronized void startGateway() {
        if (gateway == null) {
            gateway = run(GatewayApplication.builder(), commonProperties, gatewayProperties, true);
        }
    }

    public ConfigurableApplicationContext gateway() {
        return gateway;
    }

    /** The running context of one service, by its name ({@code spring.application.name}, e.g. {@code image-worker}). */
    public synchronized ConfigurableApplicationContext service(String name) {
        return started.stream().filter(context -> name.equals(context.getEnvironment().getProperty("spring.application.name")))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no running service " + name));
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
