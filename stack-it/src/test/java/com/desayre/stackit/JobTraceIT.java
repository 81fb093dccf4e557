package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.desayre.contracts.Topics;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One trace per job (docs/tracing.md), through the whole stack: the trace id the API tells for a job is the one on
 * every record of the job in every topic it crossed (read with a plain consumer), with no span made per hop, and in
 * the log lines of every service that handled it.
 */
class JobTraceIT {
    /** Loggers that write a line per record and per worker step at DEBUG: turned on for this test only. */
    private static final List<String> TRACED_LOGGERS = List.of("com.desayre.platform.TracingConfiguration",
            "com.desayre.workerkit.JobDispatcher", "com.desayre.gateway.messaging.JobPublisher");

    private final List<ILoggingEvent> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            lines.add(event);
        }
    };

    private static Studio studio;

    @BeforeAll
    static void startTheStudio() throws Exception {
        // before the logs are captured: each service's start sets the JVM's logging up anew
        studio = Studio.get();
    }

    @BeforeEach
    void captureLogs() {
        var logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        capture.setContext(logging);
        capture.start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        TRACED_LOGGERS.forEach(name -> logging.getLogger(name).setLevel(Level.DEBUG));
    }

    @AfterEach
    void stopCapturing() {
        var logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        TRACED_LOGGERS.forEach(name -> logging.getLogger(name).setLevel(null));
        logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(capture);
    }

    @Test
    void aJobIsOneTraceFromThe202ToCompletedInItsRecordsAndEveryServicesLogs() throws Exception {
        var topics = List.of(Topics.REQUESTED, Topics.IMAGE_REQUESTED, Topics.MEDIA_READY, Topics.STATUS);
        try (var probe = TopicProbe.watch(TestServers.kafka(), topics)) {
            var jobId = studio.submitImage("a lantern on a jetty, traced", "1:1");
            assertThat(studio.awaitTerminal(jobId).get("status").asString()).isEqualTo("COMPLETED");

            var job = Studio.JSON.readTree(studio.get("/api/jobs/" + jobId, studio.token).body());
            var traceId = job.get("traceId").asString();
            assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));

            // every record of the job, in every topic it crossed, carries the job's trace
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.has(Topics.STATUS, jobId,
                    r -> r.value().contains("\"COMPLETED\"")));
            var seen = probe.all().stream().filter(r -> jobId.equals(r.key()))
                    .map(r -> r.topic() + " " + statusOf(r.value()) + " " + r.headers().get("traceparent")).toList();
            for (var topic : topics) {
                var records = probe.records(topic, jobId);
                assertThat(records).as(topic).isNotEmpty();
                assertThat(records).as("the trace ids on %s (trace %s): %s", topic, traceId, seen)
                        .allSatisfy(r -> assertThat(traceIdOf(r.headers().get("traceparent"))).isEqualTo(traceId));
            }
            // and no hop makes a span of its own to send (a producer span per record that nobody asked for): every
            // record carries the very traceparent of the request that made the job
            var requested = probe.records(Topics.REQUESTED, jobId).get(0).headers().get("traceparent");
            assertThat(topics.stream().flatMap(topic -> probe.records(topic, jobId).stream()))
                    .as("the traceparents of the job's records: %s", seen)
                    .allSatisfy(r -> assertThat(r.headers().get("traceparent")).isEqualTo(requested));

            // and the log lines of every service that handled it, each line labelled with its service
            var services = List.of("gateway", "prompt-encoder", "image-worker", "storage-sink", "webhook-dispatcher");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(servicesThatLogged(traceId))
                    .containsAll(services));
        }
    }

    private java.util.Set<String> servicesThatLogged(String traceId) {
        return lines.stream().map(ILoggingEvent::getMDCPropertyMap)
                .filter(mdc -> traceId.equals(mdc.get("traceId")))
                .map(mdc -> mdc.getOrDefault("service", "?"))
                .collect(Collectors.toSet());
    }

    private static String statusOf(String json) {
        var at = json.indexOf("\"status\":\"");
        return at < 0 ? "" : json.substring(at + 10, json.indexOf('"', at + 10));
    }

    private static String traceIdOf(String traceparent) {
        return traceparent == null || traceparent.length() < 35 ? null : traceparent.substring(3, 35);
    }
}
