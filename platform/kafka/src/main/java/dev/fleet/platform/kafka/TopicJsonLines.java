package dev.fleet.platform.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Prints a topic of the catalog from its beginning to its current end as JSON lines, one per
 * record — {@code topic, partition, offset, timestamp, key, headers, value} — with the value
 * decoded by the fleet serde (every released writer schema) and written in Avro's JSON encoding
 * (unions tagged by type, e.g. {@code "payload": {"dev.fleet.events.v1.ExperimentOutcome": {…}}},
 * timestamps as epoch millis). Made for analytics by hand: pipe it into {@code jq}
 * ({@code scripts/fleet topic NAME}). A record that does not decode is printed with an
 * {@code error} instead of a value, and the dump goes on.
 * <p>
 * Limits: reads with a throw-away consumer (no group, nothing committed); not for topics of
 * millions of records.
 */
public final class TopicJsonLines {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);

    private TopicJsonLines() {
    }

    /** {@code TopicJsonLines TOPIC}; the broker from {@code KAFKA_BOOTSTRAP_SERVERS} (127.0.0.1:9092). */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: TopicJsonLines TOPIC");
            System.exit(2);
        }
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            dump(consumer, args[0], serde, System.out);
        }
        System.out.flush();
    }

    static void dump(KafkaConsumer<String, byte[]> consumer, String topic, FleetSerde serde, PrintStream out) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    out.println(line(record, serde));
                }
            }
        }
    }

    static String line(ConsumerRecord<String, byte[]> record, FleetSerde serde) {
        ObjectNode line = JSON.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", record.timestamp());
        line.put("key", record.key());
        ObjectNode headers = line.putObject("headers");
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8));
        }
        if (record.value() == null) {
            line.putNull("value");
            return line.toString();
        }
        try {
            SpecificRecord value = serde.deserialize(record.topic(), record.value());
            line.set("value", JSON.readTree(avroJson(value)));
        } catch (RuntimeException | IOException e) {
            line.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return line.toString();
    }

    private static String avroJson(SpecificRecord value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(value.getSchema(), bytes);
        new SpecificDatumWriter<SpecificRecord>(value.getSchema()).write(value, encoder);
        encoder.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "topic-json-lines-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
