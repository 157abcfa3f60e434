package dev.fleet.tools;

import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.SchemaHistory;
import dev.fleet.schemas.Topic;
import dev.fleet.schemas.TopicCatalogPage;

/**
 * {@code topics describe}: a topic's catalog entry (key, value type, partitions, cleanup, retention,
 * producers, consumers) and its value schema's history — every released version from
 * {@code schemas/history} with its fields, rendered as {@code docs/topics.md} renders them
 * ({@link TopicCatalogPage}), and today's schema when it is not released yet. A dead-letter topic is
 * described by its source topic's entry. Reads only the classpath: no broker needed.
 */
final class TopicDescriber {

    private TopicDescriber() {
    }

    static String describe(String name) {
        boolean dlq = name.endsWith(Topic.DLQ_SUFFIX);
        String source = dlq ? name.substring(0, name.length() - Topic.DLQ_SUFFIX.length()) : name;
        Optional<Topic<?>> found = FleetTopics.byName(source);
        if (found.isEmpty()) {
            throw new UsageException("'" + name + "' is not in the topic catalog (dev.fleet.schemas.FleetTopics; "
                    + "docs/topics.md lists them)");
        }
        Topic<?> topic = found.get();
        Schema current = topic.valueSchema();
        StringBuilder out = new StringBuilder();
        out.append("# ").append(name).append("\n\n");
        if (dlq) {
            out.append("Dead letters of `").append(source).append("`: the original bytes of its records that could ")
                    .append("not be processed, with the error in the `fleet-error` header; kept ")
                    .append(Topic.DLQ_RETENTION.toDays()).append(" d. The source topic:\n\n");
        }
        out.append(topic.doc()).append("\n\n");
        out.append("| | |\n| --- | --- |\n");
        out.append("| key | ").append(topic.key()).append(" |\n");
        out.append("| value | `").append(current.getFullName()).append("` |\n");
        out.append("| partitions | ").append(topic.partitions()).append(" |\n");
        out.append("| cleanup | ").append(topic.cleanup().config()).append(" |\n");
        out.append("| retention | ").append(TopicCatalogPage.retention(topic.retention())).append(" |\n");
        out.append("| producers | ").append(TopicCatalogPage.parties(topic.producers())).append(" |\n");
        out.append("| consumers | ").append(TopicCatalogPage.parties(topic.consumers())).append(" |\n");
        out.append("| dead letters | `").append(topic.dlq()).append("` |\n");

        List<Schema> released = SchemaHistory.load().versions(current.getFullName());
        long currentFingerprint = SchemaNormalization.parsingFingerprint64(current);
        out.append("\n## Schema history of `").append(current.getFullName()).append("` (")
                .append(released.size()).append(released.size() == 1 ? " released version" : " released versions")
                .append(")\n");
        for (int i = 0; i < released.size(); i++) {
            Schema version = released.get(i);
            long fingerprint = SchemaNormalization.parsingFingerprint64(version);
            out.append("\n### v").append(i + 1).append(" — fingerprint ").append(String.format("%016x", fingerprint))
                    .append(fingerprint == currentFingerprint ? " (current)" : "").append("\n\n");
            out.append(TopicCatalogPage.fieldTable(version));
        }
        if (released.stream().noneMatch(s -> SchemaNormalization.parsingFingerprint64(s) == currentFingerprint)) {
            out.append("\n### current, not released yet — fingerprint ")
                    .append(String.format("%016x", currentFingerprint)).append("\n\n");
            out.append(TopicCatalogPage.fieldTable(current));
        }
        return out.toString();
    }
}
