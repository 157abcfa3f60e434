package dev.fleet.test;

/**
 * One span as an {@link OtlpTraceReceiver} received it: the exporting service (its resource's
 * {@code service.name}), ids as lower-case hex (the parent empty for a root), name and kind
 * (OTLP's numbers: 2 server, 3 client, 4 producer, 5 consumer).
 */
public record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
        int kind, long startEpochNanos) {

    public static final int SERVER = 2;
    public static final int PRODUCER = 4;
    public static final int CONSUMER = 5;
}
