package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class KafkaConsumerGroupTagTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    KafkaConsumerGroupTagTest() {
        registry.config().meterFilter(new KafkaConsumerGroupTag());
    }

    @Test
    void shouldTagAStreamsConsumersLagWithItsApplicationId() {
        Gauge.builder("kafka.consumer.fetch.manager.records.lag", () -> 3)
                .tag("client.id", "fleet-usage-metering-8c1f6f1e-1a2b-4c3d-9e8f-0123456789ab-StreamThread-1-consumer")
                .tag("topic", "fleet_usage_v1").tag("partition", "0").register(registry);

        assertThat(registry.get("kafka.consumer.fetch.manager.records.lag").gauge().getId().getTag("group"))
                .isEqualTo("fleet-usage-metering");
    }

    @Test
    void shouldKeepTheGroupAListenersConsumerWasTaggedWith() {
        Gauge.builder("kafka.consumer.fetch.manager.records.lag", () -> 3).tag("client.id", "consumer-audit-1")
                .tag("group", "audit").register(registry);

        assertThat(registry.get("kafka.consumer.fetch.manager.records.lag").gauge().getId().getTag("group"))
                .isEqualTo("audit");
    }

    @Test
    void shouldTagAnUnknownConsumerAsNoneAndLeaveOtherMetersAlone() {
        Gauge.builder("kafka.consumer.coordinator.assigned.partitions", () -> 1).tag("client.id", "someone")
                .register(registry);
        Gauge.builder("kafka.producer.record.send.total", () -> 1).tag("client.id", "producer-1")
                .register(registry);

        assertThat(registry.get("kafka.consumer.coordinator.assigned.partitions").gauge().getId().getTag("group"))
                .isEqualTo("none");
        assertThat(registry.get("kafka.producer.record.send.total").gauge().getId().getTag("group")).isNull();
    }
}
