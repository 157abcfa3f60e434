package dev.fleet.platform.kafka;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * A W3C {@code traceparent} value: version 00, 16-byte trace id, 8-byte parent span id, flags.
 * Records continue the trace of the record or request that caused them.
 * <p>
 * A new trace is sampled (flags {@code 01}) with the probability the tracer samples new traces
 * ({@link #sampleNewTraces}, set from {@code FLEET_TRACING_SAMPLING} by the platform), so a trace the
 * fleet starts itself is recorded as often as one the tracer starts. Limit: that probability is one
 * per JVM (the last application context started sets it).
 */
public record TraceParent(String traceId, String spanId, String flags) {

    private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final HexFormat HEX = HexFormat.of();
    private static final String SAMPLED = "01";
    private static final String NOT_SAMPLED = "00";
    private static volatile double newTraceSampling = 1.0;

    /** A new trace, sampled with the probability of {@link #sampleNewTraces}. */
    public static TraceParent newRoot() {
        boolean sampled = newTraceSampling >= 1.0 || ThreadLocalRandom.current().nextDouble() < newTraceSampling;
        return new TraceParent(randomHex(16), randomHex(8), sampled ? SAMPLED : NOT_SAMPLED);
    }

    /**
     * The span current on this thread (an HTTP request's, a listener's consumer span), if the tracer
     * has one; the trace a new event continues.
     */
    public static Optional<TraceParent> current() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid()
                ? Optional.of(new TraceParent(span.getTraceId(), span.getSpanId(), span.getTraceFlags().asHex()))
                : Optional.empty();
    }

    /** The span current on this thread, else a new trace. */
    public static TraceParent currentOrNewRoot() {
        return current().orElseGet(TraceParent::newRoot);
    }

    /** Sets the probability with which {@link #newRoot} samples a new trace (0 to 1). */
    public static void sampleNewTraces(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("a sampling probability is between 0 and 1, not " + probability);
        }
        newTraceSampling = probability;
    }

    /** Whether the trace is recorded (the sampled flag). */
    public boolean sampled() {
        return (HexFormat.fromHexDigits(flags) & 1) == 1;
    }

    /** Parses a header value; empty when absent or malformed (a new trace is then started). */
    public static Optional<TraceParent> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        var m = FORMAT.matcher(value.trim());
        return m.matches() ? Optional.of(new TraceParent(m.group(1), m.group(2), m.group(3))) : Optional.empty();
    }

    /** The same trace, with a new span for the next hop. */
    public TraceParent child() {
        return new TraceParent(traceId, randomHex(8), flags);
    }

    @Override
    public String toString() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1; // all-zero ids are invalid
        return HEX.formatHex(b);
    }
}
