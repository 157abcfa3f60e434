package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class DeadLetterCounterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeadLetterCounter counter = new DeadLetterCounter(registry);

    @Test
    void shouldCountEachAcknowledgedDeadLetterUnderItsSourceTopic() {
        // when two dead letters of the usage topic and one of the items topic are acknowledged
        acknowledge("fleet.usage.v1.dlq");
        acknowledge("fleet.usage.v1.dlq");
        acknowledge("fleet.items.v1.dlq");

        // then each source topic has its own count
        assertThat(registry.get("fleet.dlq.records").tag("topic", "fleet.usage.v1").counter().count()).isEqualTo(2);
        assertThat(registry.get("fleet.dlq.records").tag("topic", "fleet.items.v1").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldNotCountAFailedSend() {
        counter.onError(new ProducerRecord<>("fleet.usage.v1.dlq", "k", "v"), null, new RuntimeException("down"));

        assertThat(registry.find("fleet.dlq.records").counter()).isNull();
    }

    private void acknowledge(String dlq) {
        counter.onSuccess(new ProducerRecord<>(dlq, "k", "v"), new RecordMetadata(new TopicPartition(dlq, 0), 0, 0,
                0, 0, 0));
    }
}
