package dev.fleet.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

/**
 * One Kafka record of a catalog topic as one line of JSON: {@code topic, partition, offset, timestamp,
 * key, headers} (as UTF-8 strings), {@code schema} (the writer schema's released version) and
 * {@code value} decoded by the fleet serde — every released writer schema resolves into today's type —
 * in Avro's JSON encoding (unions tagged by type, e.g. {@code "payload": {"dev.fleet.events.v1.ExperimentOutcome": {…}}},
 * timestamps as epoch millis; {@code scripts/experiment-results.jq} relies on it). A tombstone has
 * {@code "value": null}. A value that does not decode (poison) has an {@code error} and its bytes in
 * base64 ({@code raw}) instead, never an exception.
 * <p>
 * Also says whose record it is ({@link Line#tenant()}): the value's {@code tenantId}/{@code tenant_id},
 * else the key when the catalog keys the topic by tenant, else the {@code tenant-id} header. A dead-letter
 * topic's records decode as its source topic's.
 */
final class RecordJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FleetSerde serde;
    private final SchemaVersions versions;

    RecordJson(FleetSerde serde, SchemaVersions versions) {
        this.serde = serde;
        this.versions = versions;
    }

    /** A record as its JSON line, and the tenant it belongs to when that can be told. */
    record Line(ObjectNode json, Optional<String> tenant) {

        @Override
        public String toString() {
            return json.toString();
        }
    }

    Line line(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode line = JSON.createObjectNode();
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", record.timestamp());
        line.put("key", key);
        ObjectNode headers = line.putObject("headers");
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8));
        }
        // a dead-letter topic holds its source topic's original bytes: decode them as that topic's
        String source = record.topic().endsWith(Topic.DLQ_SUFFIX)
                ? record.topic().substring(0, record.topic().length() - Topic.DLQ_SUFFIX.length()) : record.topic();
        Optional<Topic<?>> topic = FleetTopics.byName(source);
        SpecificRecord value = null;
        if (record.value() == null) {
            line.putNull("value");
        } else {
            versions.writerOf(record.value()).ifPresent(schema -> line.put("schema", schema));
            try {
                value = serde.deserialize(source, record.value());
                line.set("value", JSON.readTree(avroJson(value)));
            } catch (RuntimeException | IOException e) {
                value = null;
                line.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
                line.put("raw", Base64.getEncoder().encodeToString(record.value()));
            }
        }
        return new Line(line, tenant(topic, key, value, record));
    }

    private static Optional<String> tenant(Optional<Topic<?>> topic, String key, SpecificRecord value,
            ConsumerRecord<byte[], byte[]> record) {
        if (value != null) {
            for (String name : new String[] {"tenantId", "tenant_id"}) {
                Schema.Field field = value.getSchema().getField(name);
                if (field != null && value.get(field.pos()) != null) {
                    return Optional.of(value.get(field.pos()).toString());
                }
            }
        }
        if (key != null && topic.isPresent()) {
            String keyDoc = topic.get().key();
            if (keyDoc.equals("tenantId")) {
                return Optional.of(key);
            }
            if (keyDoc.startsWith("tenantId/")) {
                int slash = key.indexOf('/');
                return Optional.of(slash < 0 ? key : key.substring(0, slash));
            }
        }
        return FleetHeaders.get(record.headers(), FleetHeaders.TENANT_ID);
    }

    private static String avroJson(SpecificRecord value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(value.getSchema(), bytes);
        new SpecificDatumWriter<SpecificRecord>(value.getSchema()).write(value, encoder);
        encoder.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
