package dev.fleet.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Every released version of every topic value schema. Version {@code N} of record
 * {@code dev.fleet.events.v1.Tenant} is the resource {@code fleet/schema-history/dev.fleet.events.v1.Tenant/vN.avsc}
 * (source folder {@code schemas/history/}); versions are numbered from 1 without gaps.
 * Each file holds the whole, self-contained schema as it was released.
 */
public final class SchemaHistory {

    /** Classpath folder of the released schemas. */
    public static final String RESOURCE_ROOT = "fleet/schema-history/";

    private final Map<String, List<Schema>> versionsByFullName;

    private SchemaHistory(Map<String, List<Schema>> versionsByFullName) {
        this.versionsByFullName = versionsByFullName;
    }

    /** Loads the released versions of every topic value type from the classpath. */
    public static SchemaHistory load() {
        Map<String, List<Schema>> versions = new LinkedHashMap<>();
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        for (Class<?> type : FleetTopics.valueTypes()) {
            String fullName = type.getName();
            List<Schema> released = new ArrayList<>();
            for (int v = 1; ; v++) {
                String path = RESOURCE_ROOT + fullName + "/v" + v + ".avsc";
                try (InputStream in = loader.getResourceAsStream(path)) {
                    if (in == null) {
                        break;
                    }
                    released.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + path, e);
                }
            }
            versions.put(fullName, List.copyOf(released));
        }
        return new SchemaHistory(Map.copyOf(versions));
    }

    /** Released versions of the record {@code fullName}, oldest first (empty when never released). */
    public List<Schema> versions(String fullName) {
        return versionsByFullName.getOrDefault(fullName, List.of());
    }

    /** Every released schema of every value type. */
    public List<Schema> all() {
        return versionsByFullName.values().stream().flatMap(List::stream).toList();
    }

    /**
     * Problems that would stop {@code reader} from decoding records written with any of
     * {@code writers}, as sentences; empty when {@code reader} can read them all.
     */
    public static List<String> incompatibilities(Schema reader, List<Schema> writers) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < writers.size(); i++) {
            SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writers.get(i));
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(reader.getFullName() + " cannot read released v" + (i + 1) + ": "
                        + result.getResult().getIncompatibilities());
            }
        }
        return problems;
    }
}
