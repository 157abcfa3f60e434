package dev.fleet.platform.kafka.guide;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.FleetTopics;

/**
 * The code of docs/risk.md, "Publish with a plain Kafka producer", kept compiling and run against a
 * broker by {@link ProductAppTransactionsTest}: how a product app outside the fleet publishes its
 * transactions and reads the decisions, with the fleet's serde and headers. Change both together.
 */
public final class ProductAppTransactions implements AutoCloseable {

    // --8<-- [start:producer]
    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private final KafkaProducer<String, SpecificRecord> producer;
    private final String appName;

    public ProductAppTransactions(String bootstrapServers, String appName) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), SERDE.serializer());
        this.appName = appName;
    }

    /** Publishes {@code tx} and waits for the broker's acknowledgement. */
    public RecordMetadata publish(TransactionSubmitted tx) throws InterruptedException, ExecutionException {
        String key = tx.getTenantId() + "/" + tx.getAccountId();
        ProducerRecord<String, SpecificRecord> record =
                new ProducerRecord<>(FleetTopics.TRANSACTIONS.name(), key, tx);
        // the same event id as the gateway's for this transaction: a retry, by either path, is one event
        String eventId = EventContext.derivedId(tx.getTenantId() + "/" + tx.getTransactionId(),
                "transaction-submitted");
        header(record, FleetHeaders.EVENT_ID, eventId);
        header(record, FleetHeaders.TENANT_ID, tx.getTenantId());
        header(record, FleetHeaders.TRACEPARENT, TraceParent.newRoot().toString());
        header(record, FleetHeaders.PRODUCED_BY, appName);
        return producer.send(record).get();
    }

    private static void header(ProducerRecord<?, ?> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
    // --8<-- [end:producer]

    // --8<-- [start:consumer]
    /**
     * A consumer of the app's own group on the decisions (or case outcomes: {@code RISK_CASE_OUTCOMES});
     * values decode to {@code RiskDecision} ({@code RiskCaseOutcome}). Filter on {@code getTenantId()}.
     */
    public static KafkaConsumer<String, SpecificRecord> decisions(String bootstrapServers, String groupId,
            String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the scorer writes in transactions
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, SpecificRecord> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), SERDE.deserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** One poll; a record that cannot be decoded is skipped (log it), never retried forever. */
    public static ConsumerRecords<String, SpecificRecord> poll(KafkaConsumer<String, SpecificRecord> consumer) {
        try {
            return consumer.poll(Duration.ofMillis(500));
        } catch (RecordDeserializationException e) {
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return ConsumerRecords.empty();
        }
    }
    // --8<-- [end:consumer]

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
