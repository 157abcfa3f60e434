package dev.fleet.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The headers every fleet record carries. */
public final class FleetHeaders {

    /** UUID of the event; consumers make their effects idempotent on it. */
    public static final String EVENT_ID = "event-id";
    /** The tenant the record concerns. */
    public static final String TENANT_ID = "tenant-id";
    /** W3C trace context of the work that produced the record. */
    public static final String TRACEPARENT = "traceparent";
    /** The service that produced the record. */
    public static final String PRODUCED_BY = "produced-by";
    /** On a dead letter: the root cause of the failure, e.g. the unknown fingerprint and topic. */
    public static final String ERROR = "fleet-error";

    private FleetHeaders() {
    }

    /** The last value of header {@code name} as UTF-8, if present. */
    public static Optional<String> get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /**
     * What went wrong, as {@code Type: message}: the fleet serde's own error when decoding failed
     * (it names topic and fingerprint), else the innermost cause of {@code e}.
     */
    public static String rootCause(Throwable e) {
        Throwable t = e;
        Throwable decoding = null;
        while (true) {
            if (t instanceof org.apache.kafka.common.errors.SerializationException) {
                decoding = t;
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        Throwable cause = decoding != null ? decoding : t;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    static void put(Headers headers, String name, String value) {
        if (value != null) {
            headers.remove(name);
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
