package dev.fleet.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.schemas.Topic;

/**
 * Reads this replica's share of one reply topic and feeds it to a {@link ReplyRouter}. The
 * replicas of a requesting service form one consumer group per reply topic (cooperative-sticky
 * assignment, so a rebalance moves only the partitions it must); each newly owned partition is
 * read from its end (nothing is committed: a reply matters only to the replica that waits for it).
 * Undecodable records go to the dead-letter topic and reading goes on. Ownership changes reach the
 * router through {@link ReplyPartitionAssignments}.
 * <p>
 * Limits: a group has at most as many members with partitions as the topic has partitions; a
 * surplus replica owns none and stays not ready (its router refuses registrations) until a
 * partition frees up. Started and stopped by {@link ReplyConsumers}.
 */
public class ReplyConsumer<V extends SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(ReplyConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Topic<V> topic;
    private final String groupId;
    private final Map<String, Object> consumerConfig;
    private final FleetSerde serde;
    private final DeadLetters deadLetters;
    private final ReplyRouter<V> router;
    private final ReplyPartitionAssignments assignments;
    private final HandDrivenConsumers consumers;

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Metric recordsConsumed;
    private volatile PollLoop loop;

    public ReplyConsumer(Topic<V> topic, String groupId, Map<String, Object> consumerConfig, FleetSerde serde,
            DeadLetters deadLetters, ReplyRouter<V> router) {
        this(topic, groupId, consumerConfig, serde, deadLetters, router, HandDrivenConsumers.UNBOUND);
    }

    public ReplyConsumer(Topic<V> topic, String groupId, Map<String, Object> consumerConfig, FleetSerde serde,
            DeadLetters deadLetters, ReplyRouter<V> router, HandDrivenConsumers consumers) {
        this.consumers = consumers;
        this.topic = topic;
        this.groupId = groupId;
        this.consumerConfig = consumerConfig;
        this.serde = serde;
        this.deadLetters = deadLetters;
        this.router = router;
        this.assignments = new ReplyPartitionAssignments(topic, groupId, router);
    }

    public Topic<V> topic() {
        return topic;
    }

    public String groupId() {
        return groupId;
    }

    public ReplyRouter<V> router() {
        return router;
    }

    public boolean isRunning() {
        PollLoop l = loop;
        return l != null && l.isRunning();
    }

    /** Kafka's {@code records-consumed-total} of this consumer: what this replica has read of the topic. */
    public double recordsConsumed() {
        Metric metric = recordsConsumed;
        return metric == null ? 0 : ((Number) metric.metricValue()).doubleValue();
    }

    public void start() {
        Properties props = new Properties();
        props.putAll(consumerConfig);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c = consumers.open(props, "replies-" + topic.name());
        recordsConsumed = c.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("records-consumed-total")
                        && e.getKey().group().equals("consumer-fetch-manager-metrics")
                        && !e.getKey().tags().containsKey("topic"))
                .map(e -> (Metric) e.getValue()).findFirst().orElse(null);
        assignments.bind(c);
        c.subscribe(List.of(topic.name()), assignments);
        consumer = c;
        loop = PollLoop.start("replies-" + topic.name(), c, POLL, new PollLoop.Owner() {
            @Override
            public void accept(ConsumerRecord<byte[], byte[]> record) {
                apply(record);
            }

            @Override
            public void afterPoll(KafkaConsumer<byte[], byte[]> consumer) {
                assignments.retryUnoffered();
            }

            @Override
            public void closed() { // the close left the group: the partitions move now, not after a session timeout
                router.revoked(router.partitions());
            }
        });
        log.info("reading {} in consumer group {}", topic.name(), groupId);
    }

    /** Waits up to {@code timeout} for the group's first assignment; true if this replica owns a partition. */
    public boolean awaitAssignment(Duration timeout) {
        return assignments.awaitFirst(timeout);
    }

    private void apply(ConsumerRecord<byte[], byte[]> raw) {
        try {
            String key = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
            V value = serde.deserialize(topic, raw.value());
            router.accept(new MirroredRecord<>(key, value, raw.headers(), raw.partition(), raw.offset()));
        } catch (RuntimeException e) {
            deadLetters.sendOrSkip(raw, e);
        }
    }

    public void stop() {
        PollLoop l = loop;
        if (l != null) {
            l.stop();
        }
    }

}
