package dev.fleet.platform.kafka;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Makes an event's {@link TraceParent} the current trace context while its record is handed to
 * the producer, so the producer span the {@code KafkaTemplate} observation records continues the
 * event's trace (and its propagator writes that span into the one {@code traceparent} header)
 * wherever the send happens: a reactive chain, a background relay, a listener's thread.
 * <p>
 * A span of the same trace already current on the thread is left as it is (it is real, the event's
 * span id may only be a placeholder); an observation current on the thread (a listener's, an HTTP
 * request's) is the producer span's parent whatever is current here. Without a tracer this only
 * sets a thread-local context nobody reads.
 */
final class TraceContinuation {

    private TraceContinuation() {
    }

    /** Opens the scope; close it right after the send call returns. */
    static Scope of(TraceParent trace) {
        SpanContext current = Span.current().getSpanContext();
        if (current.isValid() && current.getTraceId().equals(trace.traceId())) {
            return Scope.noop();
        }
        SpanContext parent = SpanContext.createFromRemoteParent(trace.traceId(), trace.spanId(),
                trace.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault());
        return Context.current().with(Span.wrap(parent)).makeCurrent();
    }
}
