package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.schemas.Topic;

/**
 * Keeps a {@link ReplyRouter}'s partitions in step with its reply consumer's group: a newly
 * assigned partition is read from its end and offered to the router only once that position is
 * resolved (a request pinned to it is published after this, so none of its replies lies before
 * the position); a revoked or lost partition is taken from the router at once, failing the
 * requests pinned to it. Runs on the consumer's poll thread only.
 */
final class ReplyPartitionAssignments implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(ReplyPartitionAssignments.class);
    private static final Duration POSITION_WAIT = Duration.ofSeconds(10);

    private final Topic<?> topic;
    private final String groupId;
    private final ReplyRouter<?> router;
    private final CountDownLatch firstAssignment = new CountDownLatch(1);
    /** Assigned, but not yet offered to the router (position unresolved). */
    private final Set<TopicPartition> unoffered = new HashSet<>();
    private Consumer<?, ?> consumer;

    ReplyPartitionAssignments(Topic<?> topic, String groupId, ReplyRouter<?> router) {
        this.topic = topic;
        this.groupId = groupId;
        this.router = router;
    }

    /** The consumer this listener is subscribed with. */
    void bind(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** Waits up to {@code timeout} for the group's first assignment; true if a partition is owned. */
    boolean awaitFirst(Duration timeout) {
        try {
            firstAssignment.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return router.isReady();
    }

    /** After each poll: offers what could not be resolved at assignment (e.g. the broker was away). */
    void retryUnoffered() {
        if (!unoffered.isEmpty()) {
            offerResolved();
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) { // (seekToEnd of none would move every assigned partition)
            consumer.seekToEnd(partitions);
            unoffered.addAll(partitions);
            offerResolved();
        }
        if (router.isReady()) {
            log.info("{} reads partitions {} of {}", groupId, router.partitions(), topic.name());
        } else if (unoffered.isEmpty()) {
            log.warn("{}: this replica owns no partition of {} ({} partitions): more replicas than partitions; "
                    + "it stays not ready until one frees up", groupId, topic.name(), topic.partitions());
        }
        firstAssignment.countDown();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        unoffered.removeAll(partitions);
        if (!partitions.isEmpty()) {
            log.info("{} gives up partitions {} of {}", groupId, numbers(partitions), topic.name());
            router.revoked(numbers(partitions));
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        unoffered.removeAll(partitions);
        log.warn("{} lost partitions {} of {} (membership expired)", groupId, numbers(partitions), topic.name());
        router.revoked(numbers(partitions));
    }

    private void offerResolved() {
        List<TopicPartition> resolved = new ArrayList<>();
        for (TopicPartition tp : unoffered) {
            try {
                consumer.position(tp, POSITION_WAIT);
                resolved.add(tp);
            } catch (KafkaException e) {
                log.warn("{}: cannot resolve the position of {} yet: {}", groupId, tp, e.toString());
            }
        }
        unoffered.removeAll(resolved);
        if (!resolved.isEmpty()) {
            router.assigned(numbers(resolved));
        }
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }
}
