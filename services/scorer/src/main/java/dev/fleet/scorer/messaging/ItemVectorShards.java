package dev.fleet.scorer.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.fleet.platform.kafka.DeadLetters;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.HandDrivenConsumers;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.scorer.domain.ShardStates;
import dev.fleet.scorer.domain.VectorIndex;
import dev.fleet.scorer.domain.profile.UserProfiles;

/**
 * Holds in the {@link VectorIndex} only the partitions of {@code fleet.item-vectors.v1} whose numbers this
 * replica was assigned on {@code fleet.score.requests.v1} (co-partitioning, decision 0034), and in the
 * {@link UserProfiles} the partitions of {@code fleet.interactions.v1} with the same numbers (decision 0039):
 * a newly assigned partition is read from the beginning of both topics (its state {@code REBUILDING} until the
 * end offsets at assignment of both are applied), a revoked one is dropped from memory, partitions kept across
 * a rebalance are left alone. One thread owns the consumer (no group: {@code assign}); assignment changes are
 * handed to it ({@link #assign}) and take effect at once ({@code wakeup}).
 * <p>
 * Each record is applied by its topic's {@link ShardFeed}; one it refuses goes to the dead-letter topic.
 */
public class ItemVectorShards implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ItemVectorShards.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PAUSE_AFTER_ERROR = Duration.ofSeconds(1);

    private final Map<String, Object> consumerConfig;
    private final DeadLetters deadLetters;
    private final ShardStates states;
    private final HandDrivenConsumers handDriven;
    private final Map<String, ShardFeed> feeds = new LinkedHashMap<>();
    private final int partitions = FleetTopics.ITEM_VECTORS.partitions();

    /** Assignment changes not yet applied by the loop; guarded by {@code this}. */
    private Set<Integer> desired = Set.of();
    private final Set<Integer> toDrop = new HashSet<>();
    private final Set<Integer> toRebuild = new HashSet<>();

    // owned by the loop thread
    private final Map<TopicPartition, Long> rebuildTargets = new HashMap<>();
    private final Set<Integer> held = new TreeSet<>();

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    public ItemVectorShards(Map<String, Object> consumerConfig, FleetSerde serde, DeadLetters deadLetters,
            VectorIndex index, UserProfiles profiles, ShardStates states, HandDrivenConsumers handDriven) {
        this.handDriven = handDriven;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.deadLetters = deadLetters;
        this.states = states;
        for (ShardFeed feed : List.of(new ItemVectorFeed(serde, index), new InteractionFeed(serde, profiles))) {
            if (feed.topic().partitions() != partitions) {
                throw new IllegalStateException(feed.topic().name() + " has " + feed.topic().partitions()
                        + " partitions, " + FleetTopics.ITEM_VECTORS.name() + " " + partitions
                        + "; co-partitioned topics need equal counts");
            }
            feeds.put(feed.topic().name(), feed);
        }
    }

    /**
     * Makes {@code assigned} the partitions this replica holds: the ones it did not hold are marked
     * rebuilding before this returns (so a search arriving next waits for them), the ones it no longer
     * holds are forgotten; the loop then drops and reads them.
     */
    public void assign(Set<Integer> assigned) {
        Set<Integer> wanted = new TreeSet<>();
        for (int p : assigned) {
            if (p < partitions) {
                wanted.add(p);
            } else {
                log.error("score-requests partition {} has no item-vectors partition (the topic has {}); the two "
                        + "topics must have equal partition counts", p, partitions);
            }
        }
        synchronized (this) {
            Set<Integer> removed = new TreeSet<>(desired);
            removed.removeAll(wanted);
            Set<Integer> added = new TreeSet<>(wanted);
            added.removeAll(desired);
            toDrop.addAll(removed);
            toRebuild.addAll(added);
            desired = Set.copyOf(wanted);
            states.dropped(removed);
            states.rebuilding(added);
            if (!removed.isEmpty() || !added.isEmpty()) {
                log.info("item-vectors partitions: holding {}, rebuilding {}, dropping {}", wanted, added, removed);
            }
            notifyAll();
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Applies one record of a partition this replica holds (see {@link ShardFeed}). */
    private void apply(ConsumerRecord<byte[], byte[]> raw) {
        feeds.get(raw.topic()).apply(raw);
    }

    @Override
    public synchronized void start() {
        Properties props = new Properties();
        props.putAll(consumerConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = handDriven.open(props, "item-vector-shards");
        running = true;
        thread = new Thread(this::run, "item-vector-shards");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 4096; // before the score-requests listener, whose assignment drives this
    }

    private void run() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        try {
            while (running) {
                try {
                    applyAssignment(c);
                    if (held.isEmpty()) {
                        awaitAssignment();
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> raw : c.poll(POLL)) {
                        try {
                            apply(raw);
                        } catch (RuntimeException e) {
                            deadLetters.sendOrSkip(raw, e);
                        }
                    }
                    markRebuilt(c);
                } catch (WakeupException e) {
                    // an assignment change or stop(): look again
                } catch (RuntimeException e) {
                    log.warn("item-vector shards: {}; polling again", e.toString());
                    pause();
                }
            }
        } finally {
            c.close(Duration.ofSeconds(2));
        }
    }

    /** On the loop thread: drops revoked partitions, assigns the wanted ones, rewinds the new ones. */
    private void applyAssignment(KafkaConsumer<byte[], byte[]> c) {
        Set<Integer> drop;
        Set<Integer> rebuild;
        Set<Integer> wanted;
        synchronized (this) {
            if (toDrop.isEmpty() && toRebuild.isEmpty()) {
                return;
            }
            drop = new TreeSet<>(toDrop);
            rebuild = new TreeSet<>(toRebuild);
            wanted = desired;
            toDrop.clear();
            toRebuild.clear();
        }
        try {
            reassign(c, drop, rebuild, wanted);
        } catch (RuntimeException e) {
            synchronized (this) { // tried again on the next turn
                toDrop.addAll(drop);
                toRebuild.addAll(rebuild);
            }
            throw e;
        }
    }

    private void reassign(KafkaConsumer<byte[], byte[]> c, Set<Integer> drop, Set<Integer> rebuild,
            Set<Integer> wanted) {
        rebuild.retainAll(wanted);
        Set<Integer> gone = new TreeSet<>(drop);
        gone.addAll(rebuild); // a partition given back and taken again is read again from the beginning
        if (!gone.isEmpty()) {
            feeds.values().forEach(feed -> feed.drop(gone));
            rebuildTargets.keySet().removeIf(tp -> gone.contains(tp.partition()));
        }
        held.clear();
        held.addAll(wanted);
        c.assign(topicPartitions(held));
        if (!rebuild.isEmpty()) {
            List<TopicPartition> rewound = topicPartitions(rebuild);
            c.seekToBeginning(rewound);
            rewound.forEach(c::position); // resolves the start now, before the end offsets are read
            rebuildTargets.putAll(c.endOffsets(rewound));
        }
        markRebuilt(c);
    }

    /** Every feed's topic partition of each of {@code numbers}. */
    private List<TopicPartition> topicPartitions(Set<Integer> numbers) {
        List<TopicPartition> result = new ArrayList<>();
        for (String topic : feeds.keySet()) {
            numbers.forEach(p -> result.add(new TopicPartition(topic, p)));
        }
        return result;
    }

    /**
     * Partitions whose every feed's position reached its end offset at assignment are ready, unless
     * reassigned since.
     */
    private void markRebuilt(KafkaConsumer<byte[], byte[]> c) {
        Set<Integer> progressed = new TreeSet<>();
        var it = rebuildTargets.entrySet().iterator();
        while (it.hasNext()) {
            var target = it.next();
            if (c.position(target.getKey()) >= target.getValue()) {
                it.remove();
                progressed.add(target.getKey().partition());
            }
        }
        rebuildTargets.keySet().forEach(tp -> progressed.remove(tp.partition()));
        for (int p : progressed) {
            synchronized (this) {
                if (!toDrop.contains(p) && !toRebuild.contains(p)) {
                    states.ready(p);
                    log.info("partition {} rebuilt (item vectors and interactions)", p);
                }
            }
        }
    }

    private synchronized void awaitAssignment() {
        if (toDrop.isEmpty() && toRebuild.isEmpty() && running) {
            try {
                wait(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(PAUSE_AFTER_ERROR.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
