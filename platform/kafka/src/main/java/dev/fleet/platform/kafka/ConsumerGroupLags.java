package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Every consumer group's members and lag per topic, through Kafka's Admin API: the committed offsets
 * ({@code listConsumerGroupOffsets}) against the partitions' end offsets; on a partition a member is
 * assigned but nothing is committed yet, all of the partition counts as lag. Read by {@code fleet status}
 * (fleet-tool) and the console's Fleet page.
 * <p>
 * Limits: a snapshot, one admin request after the other (not one consistent cut); a group that never
 * committed and has no members is not shown.
 */
public final class ConsumerGroupLags {

    /** One member of a group: its client id, host and how many partitions it is assigned. */
    public record Member(String clientId, String host, int partitions) {
    }

    /**
     * A consumer group's lag on one topic: the sum over the partitions it committed or its members are
     * assigned ({@code uncommitted} of them with nothing committed yet: there, all of the partition counts).
     */
    public record GroupLag(String group, String state, List<Member> members, String topic, int partitions, long lag,
            int uncommitted) {

        /** {@code 0}, or the member count and each member's partition count: {@code 2 (3+3)}. */
        public String membersSummary() {
            if (members.isEmpty()) {
                return "0";
            }
            return members.size() + " (" + members.stream().map(m -> String.valueOf(m.partitions()))
                    .collect(Collectors.joining("+")) + ")";
        }
    }

    private ConsumerGroupLags() {
    }

    /** Every group's lag per topic, groups and topics in name order; each admin call waits at most {@code timeout}. */
    public static List<GroupLag> read(Admin admin, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        long wait = timeout.toMillis();
        List<String> groups = admin.listConsumerGroups().all().get(wait, TimeUnit.MILLISECONDS).stream()
                .map(ConsumerGroupListing::groupId).sorted().toList();
        if (groups.isEmpty()) {
            return List.of();
        }
        Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all()
                .get(wait, TimeUnit.MILLISECONDS);
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
        Set<TopicPartition> partitions = new HashSet<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(wait, TimeUnit.MILLISECONDS).forEach((tp, offset) -> {
                        if (offset != null) {
                            offsets.put(tp, offset);
                        }
                    });
            committed.put(group, offsets);
            partitions.addAll(offsets.keySet());
            assigned(described.get(group)).forEach(partitions::add);
        }
        Map<TopicPartition, Long> latest = offsets(admin, partitions, OffsetSpec.latest(), wait);
        Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest(), wait);
        List<GroupLag> lags = new ArrayList<>();
        for (String group : groups) {
            ConsumerGroupDescription description = described.get(group);
            String state = description == null ? "?" : description.state().toString();
            List<Member> members = description == null ? List.of() : description.members().stream()
                    .map(ConsumerGroupLags::member).toList();
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
                lags.add(new GroupLag(group, state, members, topic, tps.size(), lag, uncommitted));
            });
        }
        return lags;
    }

    private static Member member(MemberDescription m) {
        return new Member(m.clientId(), m.host(), m.assignment().topicPartitions().size());
    }

    private static Stream<TopicPartition> assigned(ConsumerGroupDescription description) {
        return description == null ? Stream.empty()
                : description.members().stream().flatMap(m -> m.assignment().topicPartitions().stream());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, OffsetSpec spec,
            long wait) throws ExecutionException, InterruptedException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request).all().get(wait, TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }
}
