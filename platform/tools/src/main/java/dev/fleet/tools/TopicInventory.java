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

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

/**
 * {@code topics list}: every topic of the broker (partitions, cleanup and retention as the broker has
 * them configured, whether the catalog declares it) and every consumer group's lag per topic — the
 * committed offsets ({@code listConsumerGroupOffsets}) against the partitions' end offsets; on a partition
 * a member is assigned but nothing is committed yet, all of the partition counts as lag.
 * <p>
 * Limits: a snapshot, one admin request after the other (not one consistent cut); a group that never
 * committed and has no members is not shown; Kafka's internal topics are left out.
 */
final class TopicInventory {

    private static final long TIMEOUT_SECONDS = 30;

    /** A topic as the broker has it. {@code retentionMs} is -1 for "forever". */
    record TopicRow(String name, int partitions, String cleanup, long retentionMs, String catalog) {
    }

    /**
     * A consumer group's lag on one topic: the sum over the partitions it committed or its members are
     * assigned ({@code uncommitted} of them with nothing committed yet: there, all of the partition counts).
     *
     * @param members the member count and each member's partition count, e.g. {@code 2 (3+3)}
     */
    record GroupLag(String group, String state, String members, String topic, int partitions, long lag,
            int uncommitted) {
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
        Set<TopicPartition> partitions = new HashSet<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).forEach((tp, offset) -> {
                        if (offset != null) {
                            offsets.put(tp, offset);
                        }
                    });
            committed.put(group, offsets);
            partitions.addAll(offsets.keySet());
            assigned(described.get(group)).forEach(partitions::add);
        }
        Map<TopicPartition, Long> latest = offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest());
        List<GroupLag> lags = new ArrayList<>();
        for (String group : groups) {
            ConsumerGroupDescription description = described.get(group);
            String state = description == null ? "?" : description.state().toString();
            Set<TopicPartition> read = new HashSet<>(committed.get(group).keySet());
            assigned(description).forEach(read::add);
            Map<String, List<TopicPartition>> byTopic = read.stream()
                    .collect(Collectors.groupingBy(TopicPartition::topic, TreeMap::new, Collectors.toList()));
            byTopic.forEach((topic, tps) -> {
                long lag = 0;
                int uncommitted = 0;
                for (TopicPartition tp : tps) {
                    OffsetAndMetadata offset = committed.get(group).get(tp);
                    long end = latest.getOrDefault(tp, 0L);
                    if (offset == null) { // assigned, nothing committed: all of it is still to read
                        uncommitted++;
                        lag += Math.max(0, end - earliest.getOrDefault(tp, 0L));
                    } else {
                        lag += Math.max(0, end - offset.offset());
                    }
                }
                lags.add(new GroupLag(group, state, members(description), topic, tps.size(), lag, uncommitted));
            });
        }
        return lags;
    }

    private static Stream<TopicPartition> assigned(ConsumerGroupDescription description) {
        return description == null ? Stream.empty()
                : description.members().stream().flatMap(m -> m.assignment().topicPartitions().stream());
    }

    /** {@code 0}, or the member count and each member's partition count: {@code 2 (3+3)}. */
    private static String members(ConsumerGroupDescription description) {
        if (description == null || description.members().isEmpty()) {
            return "0";
        }
        return description.members().size() + " (" + description.members().stream()
                .map(m -> String.valueOf(m.assignment().topicPartitions().size()))
                .collect(Collectors.joining("+")) + ")";
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
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
            lags.row(first ? lag.group() : "", first ? lag.state() : "", first ? lag.members() : "", lag.topic(),
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
