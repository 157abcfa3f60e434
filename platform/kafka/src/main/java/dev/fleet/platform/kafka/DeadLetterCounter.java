package dev.fleet.platform.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.support.ProducerListener;

import dev.fleet.schemas.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts {@code fleet.dlq.records} (Prometheus: {@code fleet_dlq_records_total}), tagged with the
 * source {@code topic}, for every dead letter the broker acknowledged. It listens on the fleet's one
 * dead-letter template, so {@link DeadLetters} and the listener containers' and Kafka Streams'
 * recoverer are all counted. Limits: a topology that writes its own dead letters inside its
 * transaction (the scorer's transactions) is not.
 */
public class DeadLetterCounter implements ProducerListener<Object, Object> {

    public static final String METER = "fleet.dlq.records";

    private final MeterRegistry registry;

    public DeadLetterCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onSuccess(ProducerRecord<Object, Object> record, RecordMetadata metadata) {
        Counter.builder(METER).description("records sent to a dead-letter topic, by source topic")
                .tag("topic", sourceTopic(record.topic())).register(registry).increment();
    }

    static String sourceTopic(String dlq) {
        return dlq.endsWith(Topic.DLQ_SUFFIX) ? dlq.substring(0, dlq.length() - Topic.DLQ_SUFFIX.length()) : dlq;
    }
}
