package dev.fleet.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

/**
 * {@code topics list}: every topic of the broker (partitions, cleanup and retention as the broker has
 * them configured, whether the catalog declares it) and every consumer group's lag per topic — the
 * committed offsets ({@code listConsumerGroupOffsets}) against the partitions' end offsets.
 * <p>
 * Limits: lag counts only partitions the group has committed (a partition it never committed is not
 * shown, as in {@code kafka-consumer-groups}); internal topics are left out.
 */
final class TopicInventory {

    private static final long TIMEOUT_SECONDS = 30;

    /** A topic as the broker has it. {@code retentionMs} is -1 for "forever". */
    record TopicRow(String name, int partitions, String cleanup, long retentionMs, String catalog) {
    }

    /** A consumer group's lag on one topic: the sum over the partitions it committed. */
    record GroupLag(String group, String state, int members, String topic, int partitions, long lag) {
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
        List<String> groups = admin.listConsumerGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .map(ConsumerGroupListing::groupId).sorted().toList();
        if (groups.isEmpty()) {
            return List.of();
        }
        Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        for (String group : groups) {
            committed.put(group, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.values().forEach(offsets -> offsets.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResultInfo> ends = latest.isEmpty() ? Map.of()
                : admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<GroupLag> lags = new ArrayList<>();
        for (String group : groups) {
            ConsumerGroupDescription description = described.get(group);
            String state = description == null ? "?" : description.state().toString();
            int members = description == null ? 0 : description.members().size();
            Map<String, List<Map.Entry<TopicPartition, OffsetAndMetadata>>> byTopic = committed.get(group).entrySet()
                    .stream().filter(e -> e.getValue() != null)
                    .collect(Collectors.groupingBy(e -> e.getKey().topic(), TreeMap::new, Collectors.toList()));
            byTopic.forEach((topic, offsets) -> {
                long lag = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets) {
                    ListOffsetsResultInfo end = ends.get(e.getKey());
                    if (end != null) {
                        lag += Math.max(0, end.offset() - e.getValue().offset());
                    }
                }
                lags.add(new GroupLag(group, state, members, topic, offsets.size(), lag));
            });
        }
        return lags;
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
        if (inventory.lags().isEmpty()) {
            out.append("(no consumer group has committed offsets yet)\n");
            return out.toString();
        }
        Table lags = new Table("CONSUMER GROUP", "STATE", "MEMBERS", "TOPIC", "PARTITIONS", "LAG");
        String last = null;
        for (GroupLag lag : inventory.lags()) {
            boolean first = !lag.group().equals(last);
            lags.row(first ? lag.group() : "", first ? lag.state() : "", first ? String.valueOf(lag.members()) : "",
                    lag.topic(), String.valueOf(lag.partitions()), String.valueOf(lag.lag()));
            last = lag.group();
        }
        out.append(lags.render());
        return out.toString();
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
