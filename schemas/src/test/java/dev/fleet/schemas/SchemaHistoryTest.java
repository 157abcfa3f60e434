package dev.fleet.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * Schemas evolve only in backward-compatible ways, and every version ever released stays in
 * {@code schemas/history/}. Run with {@code -Dfleet.schemas.release=true} to release the
 * current schemas that differ from their latest version.
 */
class SchemaHistoryTest {

    private static final Path HISTORY = Path.of("history");

    @Test
    void everyCurrentSchemaIsReleased() throws IOException {
        SchemaHistory history = SchemaHistory.load();
        for (Topic<?> topic : FleetTopics.ALL) {
            Schema current = topic.valueSchema();
            List<Schema> versions = history.versions(current.getFullName());
            boolean released = !versions.isEmpty() && fingerprint(versions.get(versions.size() - 1)) == fingerprint(current);
            if (!released && Boolean.getBoolean("fleet.schemas.release")) {
                Path file = HISTORY.resolve(current.getFullName()).resolve("v" + (versions.size() + 1) + ".avsc");
                Files.createDirectories(file.getParent());
                Files.writeString(file, current.toString(true) + "\n");
                continue;
            }
            assertThat(released)
                    .as("%s changed since its last released version: add it to schemas/history "
                            + "(mvn -pl schemas test -Dfleet.schemas.release=true)", current.getFullName())
                    .isTrue();
        }
    }

    @Test
    void currentSchemasReadEveryReleasedVersion() {
        SchemaHistory history = SchemaHistory.load();
        for (Topic<?> topic : FleetTopics.ALL) {
            Schema current = topic.valueSchema();
            assertThat(SchemaHistory.incompatibilities(current, history.versions(current.getFullName())))
                    .as("compatibility of %s", current.getFullName())
                    .isEmpty();
        }
    }

    @Test
    void shouldFlagFieldAddedWithoutDefault() throws IOException {
        Schema v1 = fixture("v1.avsc");
        Schema breaking = fixture("added-field-without-default.avsc");

        List<String> problems = SchemaHistory.incompatibilities(breaking, List.of(v1));

        assertThat(problems).singleElement().asString()
                .contains("cannot read released v1")
                .contains("priority");
    }

    @Test
    void shouldAcceptFieldAddedWithDefault() throws IOException {
        Schema v1 = fixture("v1.avsc");
        Schema evolved = fixture("added-field-with-default.avsc");

        assertThat(SchemaHistory.incompatibilities(evolved, List.of(v1))).isEmpty();
    }

    private static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static Schema fixture(String name) throws IOException {
        try (var in = SchemaHistoryTest.class.getResourceAsStream("/incompatible/" + name)) {
            return new Schema.Parser().parse(in);
        }
    }
}
