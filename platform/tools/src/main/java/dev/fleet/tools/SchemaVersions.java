package dev.fleet.tools;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.SchemaHistory;
import dev.fleet.schemas.Topic;

/**
 * Names the writer schema of a single-object encoded value: {@code dev.fleet.events.v1.ChatChunk v1}
 * for a released version of {@code schemas/history}, {@code … (unreleased)} for today's schema when it
 * differs from every released one. Reads the fingerprint from the value's header only; decoding is the
 * serde's job.
 */
final class SchemaVersions {

    private static final int HEADER_LENGTH = 10;

    private final Map<Long, String> labels = new HashMap<>();

    private SchemaVersions() {
    }

    static SchemaVersions fromCatalog() {
        SchemaVersions versions = new SchemaVersions();
        SchemaHistory history = SchemaHistory.load();
        for (Topic<?> topic : FleetTopics.ALL) {
            String fullName = topic.valueType().getName();
            List<Schema> released = history.versions(fullName);
            for (int i = 0; i < released.size(); i++) {
                versions.labels.putIfAbsent(SchemaNormalization.parsingFingerprint64(released.get(i)),
                        fullName + " v" + (i + 1));
            }
            versions.labels.putIfAbsent(SchemaNormalization.parsingFingerprint64(topic.valueSchema()),
                    fullName + " (unreleased)");
        }
        return versions;
    }

    /** The label of the writer schema of {@code value}, if it carries a known fingerprint. */
    Optional<String> writerOf(byte[] value) {
        if (value == null || value.length < HEADER_LENGTH || value[0] != (byte) 0xC3 || value[1] != 0x01) {
            return Optional.empty();
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return Optional.ofNullable(labels.get(fingerprint));
    }
}
