package dev.fleet.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.schemas.Topic;

/**
 * Follows every partition of one topic in this instance from its end at start, outside any
 * consumer group: how a replica sees the records published after it started that concern work it
 * is waiting for (e.g. the gateway waiting for the risk decision of a transaction it published),
 * when the producer cannot address the replica (the topic is keyed for its other consumers).
 * <p>
 * Only records whose key passes {@code wantsKey} are decoded, so a replica pays for what it waits
 * for, not for the whole topic. A record that cannot be decoded or handled is logged, counted
 * ({@link #unreadable()}) and skipped — never dead-lettered, because every replica reads every
 * record and the topic's own consumer group dead-letters it once. Records read before a
 * registration or after a restart are not replayed: a tail is for live waits only. Limits:
 * partitions added after start are not followed until a restart. Started and stopped by
 * {@link TopicMirrors}.
 */
public class TopicTail<V extends SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(30);

    private final Topic<V> topic;
    private final Map<String, Object> consumerConfig;
    private final FleetSerde serde;
    private final Predicate<String> wantsKey;
    private final Consumer<MirroredRecord<V>> handler;
    private final AtomicLong unreadable = new AtomicLong();
    private final HandDrivenConsumers consumers;
    private volatile PollLoop loop;

    TopicTail(Topic<V> topic, Map<String, Object> consumerConfig, FleetSerde serde, Predicate<String> wantsKey,
            Consumer<MirroredRecord<V>> handler) {
        this(topic, consumerConfig, serde, wantsKey, handler, HandDrivenConsumers.UNBOUND);
    }

    TopicTail(Topic<V> topic, Map<String, Object> consumerConfig, FleetSerde serde, Predicate<String> wantsKey,
            Consumer<MirroredRecord<V>> handler, HandDrivenConsumers consumers) {
        this.consumers = consumers;
        this.topic = topic;
        this.consumerConfig = consumerConfig;
        this.serde = serde;
        this.wantsKey = wantsKey;
        this.handler = handler;
    }

    public Topic<V> topic() {
        return topic;
    }

    /** Records of a wanted key that could not be decoded or handled since start, and were skipped. */
    public long unreadable() {
        return unreadable.get();
    }

    /** True while the tail follows its topic: records published from now on reach the handler. */
    public boolean isRunning() {
        PollLoop l = loop;
        return l != null && l.isRunning();
    }

    /** Assigns every partition at its current end (resolved before this returns), then polls on its own thread. */
    public void start() {
        Properties props = new Properties();
        props.putAll(consumerConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c = consumers.open(props, "tail-" + topic.name());
        List<TopicPartition> partitions = c.partitionsFor(topic.name(), METADATA_WAIT).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            c.close();
            throw new IllegalStateException("topic " + topic.name() + " does not exist; it is created by the "
                    + "services that touch it");
        }
        c.assign(partitions);
        c.seekToEnd(partitions);
        for (TopicPartition tp : partitions) {
            c.position(tp); // resolves the end now: whatever is published after start() returns is seen
        }
        loop = PollLoop.start("tail-" + topic.name(), c, POLL, new PollLoop.Owner() {
            @Override
            public void accept(ConsumerRecord<byte[], byte[]> record) {
                apply(record);
            }
        });
        log.info("following {} ({} partitions) from its end", topic.name(), partitions.size());
    }

    private void apply(ConsumerRecord<byte[], byte[]> raw) {
        String key = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
        if (key == null || !wantsKey.test(key)) {
            return;
        }
        try {
            V value = serde.deserialize(topic, raw.value());
            handler.accept(new MirroredRecord<>(key, value, raw.headers(), raw.partition(), raw.offset()));
        } catch (RuntimeException e) {
            unreadable.incrementAndGet();
            log.warn("tail of {}: skipping unreadable {}-{}@{}: {}", topic.name(), raw.topic(), raw.partition(),
                    raw.offset(), FleetHeaders.rootCause(e));
        }
    }

    public void stop() {
        PollLoop l = loop;
        if (l != null) {
            l.stop();
        }
    }
}
