package dev.fleet.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import dev.fleet.platform.kafka.ConsumerGroupLags;
import dev.fleet.platform.kafka.ConsumerGroupLags.GroupLag;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

/**
 * {@code topics list}: every topic of the broker (partitions, cleanup and retention as the broker has
 * them configured, whether the catalog declares it) and every consumer group's lag per topic
 * ({@link ConsumerGroupLags}). Kafka's internal topics are left out.
 */
final class TopicInventory {

    private static final long TIMEOUT_SECONDS = 30;

    /** A topic as the broker has it. {@code retentionMs} is -1 for "forever". */
    record TopicRow(String name, int partitions, String cleanup, long retentionMs, String catalog) {
    }

    record Inventory(List<TopicRow> topics, List<GroupLag> lags) {
    }

    private TopicInventory() {
    }

    static Inventory read(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        return new Inventory(topics(admin), lags(admin));
    }

    static List<TopicRow> topics(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        Collection<String> names = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList())
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<TopicRow> rows = new ArrayList<>();
        for (String name : new TreeMap<>(descriptions).keySet()) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            String cleanup = config == null || config.get(TopicConfig.CLEANUP_POLICY_CONFIG) == null ? "?"
                    : config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            long retention = config == null || config.get(TopicConfig.RETENTION_MS_CONFIG) == null ? -1
                    : Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
            rows.add(new TopicRow(name, descriptions.get(name).partitions().size(), cleanup, retention,
                    catalogRole(name)));
        }
        return rows;
    }

    static List<GroupLag> lags(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        return ConsumerGroupLags.read(admin, Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /** {@code catalog}, {@code dlq of T}, or {@code -} (Kafka Streams' internal topics, foreign ones). */
    static String catalogRole(String name) {
        if (FleetTopics.byName(name).isPresent()) {
            return "catalog";
        }
        if (name.endsWith(Topic.DLQ_SUFFIX)
                && FleetTopics.byName(name.substring(0, name.length() - Topic.DLQ_SUFFIX.length())).isPresent()) {
            return "dead letters";
        }
        return "-";
    }

    static String render(Inventory inventory) {
        StringBuilder out = new StringBuilder();
        Table topics = new Table("TOPIC", "PARTITIONS", "CLEANUP", "RETENTION", "CATALOG");
        for (TopicRow row : inventory.topics()) {
            topics.row(row.name(), String.valueOf(row.partitions()), row.cleanup(), retention(row.retentionMs()),
                    row.catalog());
        }
        out.append(topics.render());
        out.append('\n');
        out.append(renderLags(inventory.lags()));
        return out.toString();
    }

    /** The consumer groups' table of {@code topics list} (and of {@code scripts/fleet status}). */
    static String renderLags(List<GroupLag> groupLags) {
        if (groupLags.isEmpty()) {
            return "(no consumer groups yet)\n";
        }
        Table lags = new Table("CONSUMER GROUP", "STATE", "MEMBERS (PARTITIONS)", "TOPIC", "PARTITIONS", "LAG", "");
        String last = null;
        for (GroupLag lag : groupLags) {
            boolean first = !lag.group().equals(last);
            lags.row(first ? lag.group() : "", first ? lag.state() : "", first ? lag.membersSummary() : "", lag.topic(),
                    String.valueOf(lag.partitions()), String.valueOf(lag.lag()),
                    lag.uncommitted() == 0 ? "" : "(" + lag.uncommitted() + " assigned, nothing committed yet)");
            last = lag.group();
        }
        return lags.render();
    }

    static String retention(long millis) {
        if (millis < 0) {
            return "forever";
        }
        Duration d = Duration.ofMillis(millis);
        if (d.toDays() >= 1 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + " d";
        }
        if (d.toHours() >= 1 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + " h";
        }
        return d.toMinutes() >= 1 ? d.toMinutes() + " min" : millis + " ms";
    }
}
