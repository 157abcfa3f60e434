package dev.fleet.platform.kafka;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.SchemaHistory;
import dev.fleet.schemas.Topic;

/**
 * Writer schemas by CRC-64-AVRO fingerprint: today's schema of every catalog value type plus
 * every released version from {@code schemas/history}, so old records decode into today's types.
 */
public final class FleetSchemaStore implements SchemaStore {

    private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

    /** The store holding the whole catalog and its history. */
    public static FleetSchemaStore fromCatalog() {
        FleetSchemaStore store = new FleetSchemaStore();
        for (Topic<?> topic : FleetTopics.ALL) {
            store.register(topic.valueSchema());
        }
        SchemaHistory.load().all().forEach(store::register);
        return store;
    }

    /** Adds a writer schema; returns its fingerprint. */
    public long register(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        byFingerprint.putIfAbsent(fingerprint, schema);
        return fingerprint;
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    public Optional<Schema> find(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    public int size() {
        return byFingerprint.size();
    }
}
