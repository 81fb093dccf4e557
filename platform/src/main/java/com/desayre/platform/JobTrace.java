package com.desayre.platform;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import org.slf4j.MDC;

/**
 * A job's trace as it travels: the W3C {@code traceparent} of the request that made it, carried on every Kafka record
 * of the job (and a worker's row) and made current again wherever the job is handled, so the job's records, HTTP
 * calls and log lines share one trace id from the 202 to COMPLETED. Reads and writes OpenTelemetry's current context,
 * which Micrometer Tracing's OpenTelemetry bridge uses too: a span started under it is a child, a WebClient call
 * sends it on. Cheap on purpose: resuming a trace starts no span (a span per record cost too much CPU, see
 * desayre-platform.yml), it only makes the sender's context current and puts its ids in the logging MDC.
 */
public final class JobTrace {
    /** The W3C Trace Context header, on HTTP requests and Kafka records alike. */
    public static final String HEADER = "traceparent";
    /** MDC keys, as Micrometer Tracing names them; {@code service} labels a line with the service that wrote it. */
    static final String TRACE_ID = "traceId";
    static final String SPAN_ID = "spanId";
    public static final String SERVICE = "service";

    private JobTrace() {
    }

    /** The current trace as a {@code traceparent} value, or null when there is none. */
    public static String traceparent() {
        return format(Span.current().getSpanContext());
    }

    /** The current trace's id (32 hex digits), or null when there is none. */
    public static String traceId() {
        var context = Span.current().getSpanContext();
        return context.isValid() ? context.getTraceId() : null;
    }

    /** Puts the current trace on an HTTP request (the JDK's client), so the server it calls can continue it. */
    public static java.net.http.HttpRequest.Builder onto(java.net.http.HttpRequest.Builder request) {
        var traceparent = traceparent();
        return traceparent == null ? request : request.setHeader(HEADER, traceparent);
    }

    /** The trace id in a {@code traceparent} value, or null when it is not one. */
    public static String traceIdOf(String traceparent) {
        var context = parse(traceparent);
        return context == null ? null : context.getTraceId();
    }

    /** {@code traceparent} from a Kafka header's or message header's value (bytes or text), or null. */
    public static String headerValue(Object value) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        return value instanceof String text ? text : null;
    }

    /**
     * Makes the trace in {@code traceparent} current on this thread, labelled {@code service} in the logs, until the
     * returned scope is closed (on the same thread). A missing or malformed value resumes nothing, but still labels.
     */
    public static Resumed resume(String traceparent, String service) {
        var previousService = MDC.get(SERVICE);
        var previousTrace = MDC.get(TRACE_ID);
        var previousSpan = MDC.get(SPAN_ID);
        if (service != null) {
            MDC.put(SERVICE, service);
        }
        var remote = parse(traceparent);
        Scope scope = null;
        if (remote != null) {
            scope = Context.root().with(Span.wrap(remote)).makeCurrent();
            MDC.put(TRACE_ID, remote.getTraceId());
            MDC.put(SPAN_ID, remote.getSpanId());
        }
        return new Resumed(scope, previousService, previousTrace, previousSpan);
    }

    /** Runs {@code work} within the trace in {@code traceparent} (see {@link #resume}). */
    public static <T> T within(String traceparent, String service, java.util.function.Supplier<T> work) {
        try (var ignored = resume(traceparent, service)) {
            return work.get();
        }
    }

    static String format(SpanContext context) {
        if (!context.isValid()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    /** A valid {@code version-traceid-spanid-flags} value (version 00's layout), else null. */
    static SpanContext parse(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-'
                || traceparent.charAt(52) != '-') {
            return null;
        }
        var flags = traceparent.substring(53, 55);
        if (!isHex(flags)) {
            return null;
        }
        var context = SpanContext.createFromRemoteParent(traceparent.substring(3, 35), traceparent.substring(36, 52),
                TraceFlags.fromHex(flags, 0), TraceState.getDefault());
        return context.isValid() ? context : null;
    }

    private static boolean isHex(String text) {
        return text.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /** A resumed trace: closing it restores what the thread had before. */
    public static final class Resumed implements AutoCloseable {
        private final Scope scope;
        private final String previousService;
        private final String previousTrace;
        private final String previousSpan;

        private Resumed(Scope scope, String previousService, String previousTrace, String previousSpan) {
            this.scope = scope;
            this.previousService = previousService;
            this.previousTrace = previousTrace;
            this.previousSpan = previousSpan;
        }

        @Override
        public void close() {
            if (scope != null) {
                scope.close();
            }
            restore(SERVICE, previousService);
            restore(TRACE_ID, previousTrace);
            restore(SPAN_ID, previousSpan);
        }

        private static void restore(String key, String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }
}
