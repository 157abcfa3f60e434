package dev.fleet.platform.kafka;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C {@code traceparent} value: version 00, 16-byte trace id, 8-byte parent span id, flags.
 * Records continue the trace of the record or request that caused them.
 */
public record TraceParent(String traceId, String spanId, String flags) {

    private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final HexFormat HEX = HexFormat.of();

    /** A new trace. */
    public static TraceParent newRoot() {
        return new TraceParent(randomHex(16), randomHex(8), "01");
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
