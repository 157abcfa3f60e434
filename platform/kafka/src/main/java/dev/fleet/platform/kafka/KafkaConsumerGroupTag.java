package dev.fleet.platform.kafka;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives every Kafka consumer meter a {@code group} tag. {@link ConsumerGroupMetrics} tags the
 * listeners' consumers; Kafka Streams' consumers (bound by Spring Boot without it) get their
 * application id, read from the client id Kafka Streams gives them. Prometheus needs one set of tag
 * keys per metric name: without this, a service with listeners and a topology would export the
 * lag of only one of them.
 */
public class KafkaConsumerGroupTag implements MeterFilter {

    static final String UNKNOWN = "none";

    private static final Pattern STREAMS_CLIENT = Pattern.compile(
            "^(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-(StreamThread-\\d+-)?"
                    + "(restore-|global-)?consumer$");

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith("kafka.consumer.") || id.getTag("group") != null) {
            return id;
        }
        return id.withTag(io.micrometer.core.instrument.Tag.of("group", groupOf(id.getTag("client.id"))));
    }

    static String groupOf(String clientId) {
        if (clientId == null) {
            return UNKNOWN;
        }
        Matcher streams = STREAMS_CLIENT.matcher(clientId);
        return streams.matches() ? streams.group(1) : UNKNOWN;
    }
}
