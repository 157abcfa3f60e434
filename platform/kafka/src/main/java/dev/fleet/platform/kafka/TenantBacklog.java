package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

/**
 * Which tenants a consumer group's backlog belongs to: for each catalog topic the group has committed
 * offsets on, the records between its committed offsets and the topic's last stable offsets, counted by
 * their {@code tenant-id} header ({@code none} where a record has none). Only keys and headers are looked
 * at; values are fetched (Kafka has no other way) but not decoded.
 * <p>
 * Bounded: at most {@code sample} records of one group are read per {@link #read}, spread evenly over
 * its lagging partitions, from the oldest unread record on, within a time budget. Where a partition's
 * backlog is longer than what was read, each tenant's count is extrapolated from the part read
 * ({@link PartitionSample#estimate}): it assumes the unread tail has the same tenant mix as its head,
 * and a partition nothing could be read of counts as tenant {@code unknown}. Reads with the consumer it
 * is given (no group, read-committed); not thread-safe.
 */
public final class TenantBacklog {

    /** The tenant of records without a {@code tenant-id} header. */
    public static final String NO_TENANT = "none";
    /** The tenant of backlog that could not be sampled in time. */
    public static final String UNKNOWN_TENANT = "unknown";

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Set<String> CATALOG = FleetTopics.ALL.stream().map(Topic::name)
            .collect(Collectors.toUnmodifiableSet());

    /**
     * A group's backlog on one topic: {@code records} between committed and end offsets (offsets, as
     * lag counts them), {@code sampled} of them read, and the (estimated) records per tenant.
     */
    public record Backlog(String group, String topic, long records, long sampled, Map<String, Long> tenants) {

        /** The share of the backlog that was read: 1 when the counts are exact. */
        public double sampledRatio() {
            return records == 0 ? 1.0 : (double) sampled / records;
        }
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final int sample;
    private final Duration timeout;

    /**
     * @param consumer reads the backlogs; assigned and sought by this class only
     * @param sample   the most records read of one group per {@link #read}
     * @param timeout  the longest wait for each admin request, and the budget for reading one group's records
     */
    public TenantBacklog(Admin admin, KafkaConsumer<byte[], byte[]> consumer, int sample, Duration timeout) {
        this.admin = admin;
        this.consumer = consumer;
        this.sample = Math.max(1, sample);
        this.timeout = timeout;
    }

    /** The backlogs of {@code groups} on every catalog topic they committed on, in group and topic order. */
    public List<Backlog> read(Collection<String> groups)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<Backlog> backlogs = new ArrayList<>();
        for (String group : new TreeSet<>(groups)) {
            backlogs.addAll(readGroup(group));
        }
        return backlogs;
    }

    private List<Backlog> readGroup(String group) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, Long> committed = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((tp, offset) -> {
                    if (offset != null && CATALOG.contains(tp.topic())) {
                        committed.put(tp, offset.offset());
                    }
                });
        if (committed.isEmpty()) {
            return List.of();
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(committed.keySet(), timeout);
        Map<TopicPartition, PartitionSample> samples = new HashMap<>();
        committed.forEach((tp, from) -> samples.put(tp,
                new PartitionSample(from, Math.max(from, end.getOrDefault(tp, from)))));
        List<TopicPartition> lagging = samples.entrySet().stream().filter(e -> e.getValue().backlog() > 0)
                .map(Map.Entry::getKey).toList();
        if (!lagging.isEmpty()) {
            long perPartition = Math.max(1, (sample + lagging.size() - 1) / lagging.size());
            sample(lagging, samples, perPartition);
        }
        Map<String, List<Map.Entry<TopicPartition, PartitionSample>>> byTopic = samples.entrySet().stream()
                .collect(Collectors.groupingBy(e -> e.getKey().topic(), TreeMap::new, Collectors.toList()));
        List<Backlog> backlogs = new ArrayList<>();
        byTopic.forEach((topic, partitions) -> {
            long records = 0;
            long sampled = 0;
            Map<String, Long> tenants = new TreeMap<>();
            for (Map.Entry<TopicPartition, PartitionSample> entry : partitions) {
                PartitionSample s = entry.getValue();
                records += s.backlog();
                sampled += s.covered();
                s.estimate().forEach((tenant, count) -> tenants.merge(tenant, count, Long::sum));
            }
            backlogs.add(new Backlog(group, topic, records, sampled, Map.copyOf(tenants)));
        });
        return backlogs;
    }

    private void sample(List<TopicPartition> lagging, Map<TopicPartition, PartitionSample> samples,
            long perPartition) {
        consumer.assign(lagging);
        for (TopicPartition tp : lagging) {
            PartitionSample s = samples.get(tp);
            s.limit(perPartition);
            consumer.seek(tp, s.from());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> open = new ArrayList<>(lagging);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                PartitionSample s = samples.get(new TopicPartition(record.topic(), record.partition()));
                if (s != null) {
                    s.accept(record.offset(), FleetHeaders.get(record.headers(), FleetHeaders.TENANT_ID)
                            .orElse(NO_TENANT));
                }
            }
            for (TopicPartition tp : List.copyOf(open)) {
                PartitionSample s = samples.get(tp);
                s.reached(consumer.position(tp));
                if (s.done()) {
                    open.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
        }
        consumer.assign(List.of());
    }

    /**
     * What was read of one partition's backlog {@code [from, end)}: records per tenant among the offsets
     * covered so far, up to a limit.
     */
    static final class PartitionSample {

        private final long from;
        private final long end;
        private final Map<String, Long> counts = new HashMap<>();
        private long stop;
        private long position;

        PartitionSample(long from, long end) {
            this.from = from;
            this.end = end;
            this.stop = end;
            this.position = from;
        }

        long from() {
            return from;
        }

        long backlog() {
            return end - from;
        }

        void limit(long records) {
            stop = Math.min(end, from + records);
        }

        void accept(long offset, String tenant) {
            if (offset >= from && offset < stop) {
                counts.merge(tenant, 1L, Long::sum);
            }
        }

        /** The consumer's position after a poll: offsets below it are covered (records or markers). */
        void reached(long consumerPosition) {
            position = Math.max(position, Math.min(consumerPosition, stop));
        }

        boolean done() {
            return position >= stop;
        }

        long covered() {
            return position - from;
        }

        /**
         * Records per tenant: exact when the whole backlog was covered, else each tenant's count scaled by
         * backlog / covered (rounded), and all of it {@code unknown} when nothing was covered.
         */
        Map<String, Long> estimate() {
            if (backlog() == 0) {
                return Map.of();
            }
            if (covered() == 0) {
                return Map.of(UNKNOWN_TENANT, backlog());
            }
            if (covered() >= backlog()) {
                return Map.copyOf(counts);
            }
            double scale = (double) backlog() / covered();
            Map<String, Long> estimate = new HashMap<>();
            counts.forEach((tenant, count) -> estimate.put(tenant, Math.round(count * scale)));
            return estimate;
        }
    }
}
