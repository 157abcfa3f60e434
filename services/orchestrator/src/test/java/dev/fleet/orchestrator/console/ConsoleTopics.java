package dev.fleet.orchestrator.console;

import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.key;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.lineKey;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.UsageRollup;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.SharedKafka;

/**
 * Publishes what usage-metering and the orchestrator write to the topics the console's read models follow
 * (rollups, quota status, invoice lines, domain events), with the fleet's serde and the catalog's keys.
 */
final class ConsoleTopics implements AutoCloseable {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG,
                    "all"), new ByteArraySerializer(), new ByteArraySerializer());

    void send(UsageRollup rollup) {
        send(FleetTopics.USAGE_ROLLUPS, key(rollup), rollup);
    }

    void send(QuotaStatus status) {
        send(FleetTopics.QUOTA_STATUS, status.getTenantId(), status);
    }

    void send(InvoiceLine line) {
        send(FleetTopics.BILLING_LINES, lineKey(line), line);
    }

    void send(DomainEvent event) {
        send(FleetTopics.DOMAIN_EVENTS, event.getTenantId(), event);
    }

    private void send(Topic<?> topic, String key, SpecificRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                    SERDE.serialize(topic.name(), value))).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic.name(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
