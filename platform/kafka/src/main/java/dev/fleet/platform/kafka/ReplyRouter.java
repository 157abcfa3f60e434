package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Hands replies to the requests this replica is waiting for. The replica owns some partitions of
 * the reply topic (its {@link ReplyConsumer}'s share in the requesting service's consumer group);
 * each registration is pinned to one of them, round robin, and the request names it as
 * {@code replyPartition}, so the answering service produces the replies where this replica reads.
 * Replies whose key is not a registered request id are ignored (e.g. those of a replica that died
 * while the partition was its).
 * <p>
 * Register before publishing the request, so no reply can arrive unobserved. A registration is
 * released when its flux terminates or is cancelled; one whose flux is never subscribed is
 * dropped after {@link #ABANDONED_AFTER}. When a rebalance takes a partition away, the requests
 * pinned to it fail at once with {@link ReplyPartitionUnavailableException} (retryable) instead of
 * waiting for replies this replica will no longer read.
 * <p>
 * Limits: with no partition owned (not yet assigned, or more replicas than partitions),
 * {@link #register} refuses; readiness reports it ({@link ReplyPartitionsHealthIndicator}).
 */
public class ReplyRouter<V extends SpecificRecord> {

    /** How long a registration nobody subscribed to is kept. */
    public static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);

    /** A registered request: where its replies arrive, and the partition the request must name. */
    public record Registration<V>(Flux<V> replies, int partition) {
    }

    private record Pending<V>(Sinks.Many<V> sink, int partition, long registeredAtNanos) {
    }

    private final Map<String, Pending<V>> pending = new ConcurrentHashMap<>();
    private final Predicate<V> isLast;
    private final String topic;
    /** Guards ownership against registrations: a revocation never misses a request pinned to it. */
    private final ReadWriteLock ownership = new ReentrantReadWriteLock();
    private final AtomicInteger nextPartition = new AtomicInteger();
    private volatile int[] owned = new int[0];

    /**
     * @param topic  the reply topic's name, for error messages
     * @param isLast true for the reply that completes a request (a single reply, or the final chunk)
     */
    public ReplyRouter(String topic, Predicate<V> isLast) {
        this.topic = topic;
        this.isLast = isLast;
    }

    /**
     * Registers {@code requestId} on one of the owned partitions. Its replies complete after the
     * last one; cancel the flux (or let a timeout do so) to stop waiting.
     *
     * @throws ReplyPartitionUnavailableException when this replica owns no partition of the topic
     */
    public Registration<V> register(String requestId) {
        dropAbandoned();
        ownership.readLock().lock();
        try {
            int[] partitions = owned;
            if (partitions.length == 0) {
                throw new ReplyPartitionUnavailableException("this replica owns no partition of " + topic
                        + " yet (or there are more replicas than its partitions)");
            }
            int partition = partitions[Math.floorMod(nextPartition.getAndIncrement(), partitions.length)];
            Pending<V> entry = new Pending<>(Sinks.many().unicast().onBackpressureBuffer(), partition,
                    System.nanoTime());
            if (pending.putIfAbsent(requestId, entry) != null) {
                throw new IllegalStateException("request " + requestId + " is already awaiting replies");
            }
            return new Registration<>(entry.sink().asFlux().doFinally(signal -> pending.remove(requestId, entry)),
                    partition);
        } finally {
            ownership.readLock().unlock();
        }
    }

    /** Stops waiting for {@code requestId} (e.g. its request could not be published). */
    public void forget(String requestId) {
        Pending<V> entry = pending.remove(requestId);
        if (entry != null) {
            synchronized (entry) {
                entry.sink().tryEmitComplete();
            }
        }
    }

    /** Number of requests waiting for replies. */
    public int pendingCount() {
        return pending.size();
    }

    /** The partitions this replica owns, ascending. */
    public List<Integer> partitions() {
        return Arrays.stream(owned).boxed().toList();
    }

    /** True when requests can be registered (at least one partition owned). */
    public boolean isReady() {
        return owned.length > 0;
    }

    /** Feeds one reply record (the reply consumer's handler). */
    public void accept(MirroredRecord<V> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        Pending<V> entry = pending.get(record.key());
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            boolean last = isLast.test(record.value());
            if (last) {
                pending.remove(record.key(), entry); // before completing: the caller sees nothing pending
            }
            entry.sink().tryEmitNext(record.value());
            if (last) {
                entry.sink().tryEmitComplete();
            }
        }
    }

    /** The consumer group gave this replica {@code partitions} (in addition to those it had). */
    public void assigned(Collection<Integer> partitions) {
        ownership.writeLock().lock();
        try {
            TreeSet<Integer> now = new TreeSet<>(partitions());
            now.addAll(partitions);
            owned = now.stream().mapToInt(Integer::intValue).toArray();
        } finally {
            ownership.writeLock().unlock();
        }
    }

    /**
     * The consumer group took {@code partitions} away (rebalance, lost membership, shutdown): the
     * requests pinned to them fail now with a retryable {@link ReplyPartitionUnavailableException}.
     */
    public void revoked(Collection<Integer> partitions) {
        List<Map.Entry<String, Pending<V>>> orphans = new ArrayList<>();
        ownership.writeLock().lock();
        try {
            TreeSet<Integer> now = new TreeSet<>(partitions());
            now.removeAll(partitions);
            owned = now.stream().mapToInt(Integer::intValue).toArray();
            for (Map.Entry<String, Pending<V>> e : pending.entrySet()) {
                if (partitions.contains(e.getValue().partition())) {
                    orphans.add(e);
                }
            }
        } finally {
            ownership.writeLock().unlock();
        }
        for (Map.Entry<String, Pending<V>> orphan : orphans) {
            Pending<V> entry = orphan.getValue();
            if (pending.remove(orphan.getKey(), entry)) {
                synchronized (entry) {
                    entry.sink().tryEmitError(new ReplyPartitionUnavailableException("partition "
                            + entry.partition() + " of " + topic + " moved to another replica while request "
                            + orphan.getKey() + " awaited its replies; retry the request"));
                }
            }
        }
    }

    private void dropAbandoned() {
        long cutoff = System.nanoTime() - ABANDONED_AFTER.toNanos();
        pending.entrySet().removeIf(e -> e.getValue().registeredAtNanos() < cutoff
                && e.getValue().sink().currentSubscriberCount() == 0);
    }
}
