package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.schemas.Topic;

/**
 * Reads every partition of one topic in this instance, outside any consumer group: from the
 * beginning to materialize a compacted topic (keys, tenants, vectors), or from the end to see
 * replies meant for this replica. A record that cannot be decoded or handled goes to the
 * dead-letter topic and the mirror goes on; under {@link MirrorOptions.OnUnreadable#FAIL_READINESS}
 * it also reports it as its {@link #failure()}, which takes readiness down, until a later record of
 * the same key is applied ({@link UnreadableRecords}).
 * <p>
 * {@link #catchUp()} waits until the mirror has applied everything its topic holds now (see
 * {@link MirrorCatchUp}): the poll thread reports its positions after each poll, the end offsets
 * come from a separate admin client. Started and stopped by {@link TopicMirrors}. Limits:
 * partitions added to the topic after start are not picked up until a restart.
 */
public class TopicMirror<V extends SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(TopicMirror.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(30);

    private final Topic<V> topic;
    private final Map<String, Object> consumerConfig;
    private final FleetSerde serde;
    private final DeadLetters deadLetters;
    private final Consumer<MirroredRecord<V>> handler;
    private final MirrorOptions options;
    private final MirrorCatchUp catchUps;
    private final UnreadableRecords unreadable = new UnreadableRecords();
    private final HandDrivenConsumers consumers;

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile PollLoop loop;
    private volatile Map<TopicPartition, Long> catchUpTargets = Map.of();
    private volatile List<TopicPartition> partitions = List.of();
    private volatile boolean caughtUp;

    /** A mirror with the default options; its catch-ups use an admin client of its own, created on first use. */
    public TopicMirror(Topic<V> topic, Map<String, Object> consumerConfig, FleetSerde serde,
            DeadLetters deadLetters, Consumer<MirroredRecord<V>> handler) {
        this(topic, consumerConfig, serde, deadLetters, handler, MirrorOptions.DEFAULTS,
                new AdminEndOffsets(consumerConfig), HandDrivenConsumers.UNBOUND);
    }

    /**
     * @param endOffsets where catch-ups read the topic's end offsets (asked on the first catch-up)
     * @param consumers  creates the mirror's consumer (and binds its metrics)
     */
    public TopicMirror(Topic<V> topic, Map<String, Object> consumerConfig, FleetSerde serde,
            DeadLetters deadLetters, Consumer<MirroredRecord<V>> handler, MirrorOptions options,
            EndOffsets endOffsets, HandDrivenConsumers consumers) {
        this.topic = topic;
        this.consumers = consumers;
        this.consumerConfig = consumerConfig;
        this.serde = serde;
        this.deadLetters = deadLetters;
        this.handler = handler;
        this.options = options;
        this.catchUps = new MirrorCatchUp(() -> partitions, () -> endOffsets, options.catchUpTimeout());
    }

    public Topic<V> topic() {
        return topic;
    }

    /** True once every record that existed at start has been applied. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    /**
     * The oldest record this mirror could not read and no later record of its key has superseded,
     * when its options make that a readiness failure.
     */
    public Optional<MirrorFailure> failure() {
        return unreadable.oldest();
    }

    /**
     * Completes once every record the topic holds at (or after) this call has been applied; fails
     * with a {@link java.util.concurrent.TimeoutException} after the mirror's catch-up bound.
     * Concurrent callers share catch-ups; at most one runs at a time.
     */
    public CompletableFuture<Void> catchUp() {
        return catchUps.request();
    }

    public void start() {
        Properties props = new Properties();
        props.putAll(consumerConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c = consumers.open(props, "mirror-" + topic.name());
        List<TopicPartition> partitions = awaitPartitions(c);
        c.assign(partitions);
        c.seekToBeginning(partitions);
        for (TopicPartition tp : partitions) {
            c.position(tp); // resolves the start now, before the end offsets are read
        }
        this.catchUpTargets = Map.copyOf(c.endOffsets(partitions));
        this.partitions = List.copyOf(partitions);
        this.consumer = c;
        reportPositions(c);
        updateCaughtUp();
        loop = PollLoop.start("mirror-" + topic.name(), c, POLL, new PollLoop.Owner() {
            @Override
            public void accept(ConsumerRecord<byte[], byte[]> record) {
                apply(record);
            }

            @Override
            public void afterPoll(KafkaConsumer<byte[], byte[]> consumer) {
                reportPositions(consumer);
                if (!caughtUp) {
                    updateCaughtUp();
                }
            }
        });
        log.info("mirroring {} ({} partitions) from the beginning", topic.name(), partitions.size());
    }

    /**
     * The topic's partitions; a topic created a moment ago (by this service's own provisioning)
     * may not be in the metadata yet, so this asks again for a bounded time.
     */
    private List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> c) {
        long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
        while (true) {
            List<TopicPartition> partitions = c.partitionsFor(topic.name(), METADATA_WAIT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (!partitions.isEmpty()) {
                return partitions;
            }
            if (System.nanoTime() > deadline) {
                c.close();
                throw new IllegalStateException("topic " + topic.name() + " does not exist (waited "
                        + METADATA_WAIT.toSeconds() + " s); it is created by the services that touch it");
            }
            try {
                Thread.sleep(200); // metadata refresh, not waiting for records
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + topic.name(), e);
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> raw) {
        try {
            String key = key(raw);
            V value = serde.deserialize(topic, raw.value());
            handler.accept(new MirroredRecord<>(key, value, raw.headers(), raw.partition(), raw.offset()));
            unreadable.applied(key);
        } catch (RuntimeException e) {
            if (options.onUnreadable() == MirrorOptions.OnUnreadable.FAIL_READINESS) {
                MirrorFailure failure = new MirrorFailure(raw.topic(), raw.partition(), raw.offset(),
                        FleetHeaders.rootCause(e));
                unreadable.failed(key(raw), failure);
                log.error("mirror of {}: {}; not ready until a later record of its key is applied", topic.name(),
                        failure.describe());
            }
            deadLetters.sendOrSkip(raw, e);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> raw) {
        return raw.key() == null ? null : new String(raw.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Only from the thread that owns the consumer. */
    private void reportPositions(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : partitions) {
            positions.put(tp, c.position(tp));
        }
        catchUps.positionsAdvanced(positions);
    }

    private void updateCaughtUp() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        for (Map.Entry<TopicPartition, Long> target : catchUpTargets.entrySet()) {
            if (c.position(target.getKey()) < target.getValue()) {
                return;
            }
        }
        caughtUp = true;
    }

    public void stop() {
        PollLoop l = loop;
        if (l != null) {
            l.stop();
        }
    }


    public boolean isRunning() {
        PollLoop l = loop;
        return l != null && l.isRunning();
    }
}
