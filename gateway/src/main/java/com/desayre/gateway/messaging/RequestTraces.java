package com.desayre.gateway.messaging;

import com.desayre.platform.JobTrace;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.handler.TracingObservationHandler;
import reactor.util.context.ContextView;

/**
 * The trace a request's jobs belong to. WebFlux keeps the request's observation in the Reactor context (not in a
 * thread-local: a request hops threads), and its span is the trace every record of the request's jobs carries
 * ({@link JobPublisher}) and the job's {@code traceId} in the status cache. Outside a request (a consumer's thread), the
 * thread's trace ({@link JobTrace}).
 */
public final class RequestTraces {

    private RequestTraces() {
    }

    /** The request's {@code traceparent}, else the thread's, or null. */
    public static String traceparent(ContextView context) {
        Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        if (observation != null) {
            TracingObservationHandler.TracingContext tracing =
                    observation.getContextView().get(TracingObservationHandler.TracingContext.class);
            if (tracing != null && tracing.getSpan() != null) {
                var span = tracing.getSpan().context();
                if (!span.traceId().isEmpty() && !span.traceId().chars().allMatch(c -> c == '0')) {
                    return "00-" + span.traceId() + "-" + span.spanId() + "-" + (Boolean.TRUE.equals(span.sampled()) ? "01" : "00");
                }
            }
        }
        return JobTrace.traceparent();
    }

    /** The request's trace id, else the thread's, or null. */
    public static String traceId(ContextView context) {
        return JobTrace.traceIdOf(traceparent(context));
    }
}
