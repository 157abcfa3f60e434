package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.fleet.events.v1.Meter;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.SharedKafka;

/**
 * The crash window of consume → produce, closed: outputs published and then abandoned before the
 * commit (what a SIGKILL between the send and the offset commit leaves) are never seen by a
 * {@code read_committed} reader, and the redelivered record's outputs appear exactly once, with its
 * offset committed in the same transaction.
 */
class TransactionalOutputsIntegrationTest {

    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final String tenant = UUID.randomUUID().toString();
    private final String input = "tx-outputs-test-" + UUID.randomUUID();
    private final String group = "tx-outputs-test-" + UUID.randomUUID();
    private final UsageRecorder usage = new UsageRecorder(Clock.systemUTC());

    @Test
    void outputsOfAnAbortedRunAreInvisibleAndTheRedeliveryPublishesThemOnceWithItsOffset() throws Exception {
        // given a consumed request and transactional outputs
        createTopics();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> request = new ProducerRecord<>(input, 0, tenant, "embed this");
            request.headers().add(FleetHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes());
            producer.send(request).get();
        }
        DefaultKafkaProducerFactory<String, SpecificRecord> factory = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()),
                new StringSerializer(), SERDE.serializer());
        factory.setTransactionIdPrefix("tx-outputs-test-" + UUID.randomUUID() + "-");
        TransactionalOutputs outputs = new TransactionalOutputs(new KafkaTemplate<>(factory), "test");
        try (KafkaConsumer<String, String> consumer = inputConsumer()) {
            consumer.assign(List.of(new TopicPartition(input, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(input, 0)));
            List<ConsumerRecord<String, String>> consumed = poll(consumer);

            // when the first run publishes its usage, then dies before the commit
            assertThatThrownBy(() -> outputs.publish(consumed, consumer, TIMEOUT, sends -> {
                usage.publish(sends, consumed.get(0).headers(), tenant, Meter.EMBEDDING_TOKENS, 3, "m");
                sends.awaitAcknowledged(TIMEOUT); // the usage reached the broker
                throw new IllegalStateException("killed before the commit");
            })).hasMessageContaining("killed");

            // then nothing is visible and nothing is committed
            assertThat(usageOfTenant("read_committed")).isEmpty();
            assertThat(committed()).isNull();

            // when the redelivered request is answered again
            outputs.publish(consumed, consumer, TIMEOUT, sends -> usage.publish(sends, consumed.get(0).headers(),
                    tenant, Meter.EMBEDDING_TOKENS, 3, "m"));
        } finally {
            factory.destroy();
        }

        // then its usage is there once (both attempts reached the log), and its offset is committed
        assertThat(usageOfTenant("read_committed")).hasSize(1);
        assertThat(usageOfTenant("read_uncommitted")).hasSize(2);
        assertThat(committed()).isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo(1L);
    }

    private void createTopics() throws Exception {
        try (Admin admin = admin()) {
            for (NewTopic topic : List.of(new NewTopic(input, 1, (short) 1),
                    new NewTopic(FleetTopics.USAGE.name(), FleetTopics.USAGE.partitions(), (short) 1))) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private KafkaConsumer<String, String> inputConsumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }

    private static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (records.isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        assertThat(records).hasSize(1);
        return records;
    }

    /** The tenant's usage records on the whole topic, read up to its end as {@code isolation} sees it. */
    private List<ConsumerRecord<byte[], byte[]>> usageOfTenant(String isolation) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(FleetTopics.USAGE.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> reader.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    if (FleetHeaders.get(record.headers(), FleetHeaders.TENANT_ID).filter(tenant::equals).isPresent()) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    private OffsetAndMetadata committed() throws Exception {
        try (Admin admin = admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(input, 0));
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()));
    }
}
