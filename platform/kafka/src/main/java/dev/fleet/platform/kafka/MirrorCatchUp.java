package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;

/**
 * Catch-ups of one {@link TopicMirror} to its topic's current end offsets, coalesced by generation
 * and at most one in flight.
 * <p>
 * A catch-up reads the end offsets (through {@link EndOffsets}, never the mirror's own consumer,
 * which belongs to its poll thread) and completes once the poll thread reports positions at or past
 * them, i.e. once every record that existed when the offsets were read has been applied. A caller
 * joins the <em>queued</em> catch-up, which starts only after the one in flight ends, so no caller is
 * ever satisfied by end offsets read before it arrived; everyone who arrives while one catch-up runs
 * shares the next. Unknown-key floods therefore cost at most one end-offset request per round per
 * mirror. Each catch-up fails with a {@link java.util.concurrent.TimeoutException} after the
 * mirror's bound, and then the queued one starts.
 */
final class MirrorCatchUp {

    private final Supplier<Collection<TopicPartition>> partitions;
    private final Supplier<EndOffsets> endOffsets;
    private final Duration timeout;

    private volatile Map<TopicPartition, Long> positions = Map.of();
    private Round inFlight; // guarded by this
    private Round queued; // guarded by this

    MirrorCatchUp(Supplier<Collection<TopicPartition>> partitions, Supplier<EndOffsets> endOffsets,
            Duration timeout) {
        this.partitions = partitions;
        this.endOffsets = endOffsets;
        this.timeout = timeout;
    }

    /** Completes once the mirror has applied everything its topic held at (or after) this call. */
    CompletableFuture<Void> request() {
        Round mine;
        synchronized (this) {
            if (queued == null) {
                queued = new Round();
            }
            mine = queued;
            if (inFlight == null) {
                startQueued();
            }
        }
        return mine.done.copy(); // callers cannot complete the shared future
    }

    /** Called by the poll thread after it applied records: its position in every partition. */
    void positionsAdvanced(Map<TopicPartition, Long> current) {
        positions = current;
        Round round;
        synchronized (this) {
            round = inFlight;
        }
        if (round != null) {
            check(round);
        }
    }

    private void startQueued() { // holds the lock
        Round round = queued;
        queued = null;
        inFlight = round;
        round.done.orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .whenComplete((ignored, e) -> finished(round));
        endOffsets.get().latest(partitions.get(), timeout).whenComplete((targets, e) -> {
            if (e != null) {
                round.done.completeExceptionally(e);
            } else {
                round.targets = Map.copyOf(targets);
                check(round);
            }
        });
    }

    private void check(Round round) {
        Map<TopicPartition, Long> targets = round.targets;
        if (targets == null || targets.isEmpty()) {
            return; // a mirror not started yet has no partitions: nothing to be caught up with
        }
        Map<TopicPartition, Long> at = positions;
        for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
            Long position = at.get(target.getKey());
            if (position == null || position < target.getValue()) {
                return;
            }
        }
        round.done.complete(null);
    }

    private synchronized void finished(Round round) {
        if (inFlight == round) {
            inFlight = null;
            if (queued != null) {
                startQueued();
            }
        }
    }

    /** One catch-up: its end offsets once read, and the future its callers share. */
    private static final class Round {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Map<TopicPartition, Long> targets;
    }
}
