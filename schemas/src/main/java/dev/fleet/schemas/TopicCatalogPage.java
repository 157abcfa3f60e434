package dev.fleet.schemas;

import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.avro.Schema;

/** Renders the topic catalog as the Markdown page {@code docs/topics.md}, for the teams that read the topics. */
public final class TopicCatalogPage {

    private TopicCatalogPage() {
    }

    public static String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Fleet topics\n\n");
        md.append("<!-- Generated from dev.fleet.schemas.FleetTopics by TopicCatalogPageTest; do not edit by hand. -->\n");
        md.append("<!-- Regenerate: mvn -pl schemas test -Dfleet.docs.write=true -->\n\n");
        md.append("Every value is an Avro record in single-object encoding (`C3 01`, the 8-byte CRC-64-AVRO\n");
        md.append("fingerprint of the writer schema, then the binary body). Keys are UTF-8 strings. Every record\n");
        md.append("carries the headers `event-id` (UUID, the idempotency key), `tenant-id`, `traceparent` (W3C)\n");
        md.append("and `produced-by`. Each topic `T` has a dead-letter topic `T.dlq` (same partitions, kept ")
                .append(Topic.DLQ_RETENTION.toDays()).append(" days)\n");
        md.append("holding the original bytes of records that could not be processed, with the error in headers.\n\n");
        md.append("Product apps produce to the topics whose producers below include them, with any Kafka client:\n");
        md.append("[risk.md](risk.md) (transactions, decisions, case outcomes) and\n");
        md.append("[recommendations.md](recommendations.md) (interactions) show a plain Java producer with the fleet's\n");
        md.append("serde (`AvroSingleObjectSerde`) and these headers.\n\n");
        md.append("| topic | key | value | partitions | cleanup | retention | producers | consumers |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Topic<?> t : FleetTopics.ALL) {
            md.append("| `").append(t.name()).append("` | ").append(t.key()).append(" | `")
                    .append(t.valueType().getSimpleName()).append("` | ").append(t.partitions()).append(" | ")
                    .append(t.cleanup().config()).append(" | ").append(retention(t.retention())).append(" | ")
                    .append(parties(t.producers())).append(" | ").append(parties(t.consumers())).append(" |\n");
        }
        md.append("\n## Value schemas\n");
        for (Topic<?> t : FleetTopics.ALL) {
            Schema schema = t.valueSchema();
            md.append("\n### `").append(t.name()).append("` — `").append(schema.getFullName()).append("`\n\n");
            md.append(t.doc()).append(" ").append(schema.getDoc()).append("\n\n");
            md.append(fieldTable(schema));
        }
        return md.toString();
    }

    /** The fields of a record schema as a Markdown table (field, type, doc); also used by {@code topics describe}. */
    public static String fieldTable(Schema schema) {
        StringBuilder md = new StringBuilder("| field | type | doc |\n| --- | --- | --- |\n");
        for (Schema.Field field : schema.getFields()) {
            md.append("| `").append(field.name()).append("` | ").append(typeName(field.schema())).append(" | ")
                    .append(field.doc() == null ? "" : field.doc().replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    /** A topic's retention as the page shows it ({@code 7 d}, {@code 1 h}, {@code forever (compacted)}). */
    public static String retention(Duration retention) {
        if (retention == null) {
            return "forever (compacted)";
        }
        return retention.toDays() >= 1 ? retention.toDays() + " d" : retention.toHours() + " h";
    }

    /** Producers or consumers, sorted, by display name. */
    public static String parties(Set<Party> parties) {
        return parties.stream().sorted(Comparator.naturalOrder()).map(Party::displayName)
                .collect(Collectors.joining(", "));
    }

    private static String typeName(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> "`" + schema.getName() + "`";
            case ARRAY -> "array of " + typeName(schema.getElementType());
            case MAP -> "map of " + typeName(schema.getValueType());
            case UNION -> schema.getTypes().stream().map(TopicCatalogPage::typeName)
                    .collect(Collectors.joining(" or "));
            default -> schema.getLogicalType() != null ? schema.getLogicalType().getName()
                    : schema.getType().getName();
        };
    }
}
