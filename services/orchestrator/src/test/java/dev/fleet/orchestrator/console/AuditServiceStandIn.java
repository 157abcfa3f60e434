package dev.fleet.orchestrator.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.SharedKafka;

/**
 * The audit service's side of {@code AuditQueries} for console tests (as AuditQueriesIntegrationTest plays it):
 * reads {@code fleet.audit.queries.v1} on the shared broker and answers the queries of the tenants it was told
 * about — keyed by the request id, on the partition the query names; another tenant's query gets no answer.
 */
final class AuditServiceStandIn implements AutoCloseable {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private final Map<String, Function<AuditQuery, AuditQueryResult>> answers = new ConcurrentHashMap<>();
    private final List<AuditQuery> seen = new CopyOnWriteArrayList<>();
    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final KafkaProducer<String, SpecificRecord> producer;
    private final Thread thread;
    private volatile boolean running = true;

    AuditServiceStandIn() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "audit-stand-in-" + UUID.randomUUID());
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), (topic, data) -> {
            try {
                return data == null ? null : SERDE.deserialize(topic, data);
            } catch (RuntimeException e) {
                return null; // another test's undecodable record
            }
        });
        String topic = FleetTopics.AUDIT_QUERIES.name();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException(topic + " does not exist yet: start the stand-in once the application has "
                    + "provisioned its topics");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), SERDE.serializer());
        thread = new Thread(this::run, "audit-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    /** From now on, answers {@code tenant}'s queries with {@code answer} (the request id is set here). */
    void answer(UUID tenant, Function<AuditQuery, AuditQueryResult.Builder> answer) {
        answers.put(tenant.toString(), query -> answer.apply(query).setRequestId(query.getRequestId()).build());
    }

    /** The queries asked about {@code tenant} so far, answered or not. */
    List<AuditQuery> queries(UUID tenant) {
        return seen.stream().filter(q -> q.getTenantId().equals(tenant.toString())).toList();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
                    if (!(record.value() instanceof AuditQuery query)) {
                        continue;
                    }
                    seen.add(query);
                    Function<AuditQuery, AuditQueryResult> answer = answers.get(query.getTenantId());
                    if (answer == null) {
                        continue;
                    }
                    producer.send(new ProducerRecord<>(FleetTopics.AUDIT_QUERY_RESULTS.name(),
                            query.getReplyPartition(), query.getRequestId(), answer.apply(query)));
                    producer.flush();
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
        producer.close(Duration.ofSeconds(5));
    }
}
