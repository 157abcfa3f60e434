package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.fleet.orchestrator.messaging.OutboxSender.Delivery;
import dev.fleet.orchestrator.messaging.OutboxSender.Outcome;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes what the outbox still holds: every {@code interval}, in one transaction, takes the
 * oldest rows neither published nor parked ({@code FOR UPDATE SKIP LOCKED}), sends them in id order
 * ({@link OutboxSender}), waits for the acknowledgements and settles the longest prefix it can —
 * acknowledged rows are marked published, poison rows are parked; it keeps going while batches come
 * back full. Admin writes publish their own rows before they commit ({@link OutboxDelivery}); the
 * relay carries the rest (domain events, rows of failed or older writers).
 * <p>
 * At-least-once: a row whose send fails transiently stays unpublished for the next round, and so
 * does every row after it, to keep per-key order — rows after it that did reach the broker are sent
 * again then. After such a round the relay pauses, doubling up to 30 s.
 * <p>
 * A row that can never be published is parked instead of retried forever: it gets {@code failed_at}
 * and a one-line reason that never holds payload bytes, is logged at ERROR with its row id and event
 * id, and later rounds skip it, so it cannot hold back the changes after it (a key revocation, say).
 * Limit: a parked row is missing from its topic. On a compacted topic that only matters until the
 * key's next update, which carries the entity's whole state and still wins; if the parked row was
 * the key's last update, the topic keeps the previous state until then. A parked domain event is
 * never delivered. Parked rows need an operator ({@code V2__outbox_failures.sql} says how to replay
 * one).
 * <p>
 * A transaction-scoped advisory lock makes one replica (or one admin write) the publisher at a
 * time, so nobody reorders anybody's batches. Stopping lets the batch in flight finish.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    private final OutboxRepository outbox;
    private final TransactionalOperator transactions;
    private final OutboxSender sender;
    private final OutboxSettlement settlement;
    private final OutboxBacklogGauges backlog;
    private final Duration interval;
    private final int batchSize;
    private final Duration sendTimeout;

    private volatile boolean running;
    private volatile Disposable loop;
    private volatile int failedRounds;
    private volatile long pausedUntilNanos;
    /** The round in progress (counted down when it ends); stopping waits for it, not for the next tick. */
    private volatile CountDownLatch round = new CountDownLatch(0);

    public OutboxRelay(OutboxRepository outbox, TransactionalOperator transactions, FleetPublisher publisher,
            FleetSerde serde, Clock clock, Duration interval, int batchSize, Duration sendTimeout,
            MeterRegistry meters) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.sender = new OutboxSender(publisher, serde);
        this.settlement = new OutboxSettlement(outbox, clock);
        this.backlog = new OutboxBacklogGauges(outbox, meters);
        this.interval = interval;
        this.batchSize = batchSize;
        this.sendTimeout = sendTimeout;
    }

    /** Relays until the outbox is empty or a batch fails. */
    public Mono<Round> drain() {
        return relayBatch()
                .expand(batch -> batch.full() && !batch.failed() ? relayBatch() : Mono.empty())
                .reduce(Round.NONE, Round::plus);
    }

    private Mono<Batch> relayBatch() {
        Mono<Batch> batch = outbox.tryBecomeRelay().flatMap(relay -> !relay ? Mono.just(Batch.NONE)
                : outbox.lockUnpublished(batchSize).collectList().flatMap(rows -> rows.isEmpty()
                        ? Mono.just(Batch.NONE)
                        : sender.publishInOrder(rows, sendTimeout).flatMap(settled -> settlement.settle(settled).thenReturn(
                                Batch.of(rows.size(), settled, rows.size() == batchSize)))));
        return transactions.transactional(batch);
    }

    /** Counts the outbox for the gauges. */
    Mono<Void> refreshBacklog() {
        return backlog.refresh();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        failedRounds = 0;
        pausedUntilNanos = System.nanoTime();
        loop = Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .takeWhile(tick -> running)
                .filter(tick -> System.nanoTime() - pausedUntilNanos >= 0)
                .concatMap(tick -> {
                    CountDownLatch current = new CountDownLatch(1);
                    round = current;
                    return drain().onErrorResume(e -> {
                        log.warn("outbox relay round failed: {}", e.toString());
                        return Mono.just(Round.FAILED);
                    }).doFinally(signal -> current.countDown());
                }, 1)
                .subscribe(this::afterRound);
        backlog.start();
        log.info("outbox relay started (every {}, batches of {})", interval, batchSize);
    }

    /** After a failed round, pause (doubling up to {@link #MAX_PAUSE}) so a broken broker or row is not hammered. */
    private void afterRound(Round round) {
        if (round.published() > 0) {
            log.debug("relayed {} outbox rows", round.published());
        }
        if (!round.failed()) {
            failedRounds = 0;
            return;
        }
        int failures = ++failedRounds;
        Duration pause = interval.multipliedBy(1L << Math.min(failures, 16));
        pause = pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
        pausedUntilNanos = System.nanoTime() + pause.toNanos();
        log.warn("outbox relay: {} failed round(s) in a row; next attempt in {}", failures, pause);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            // a round in progress may finish (its batch committed); between rounds the loop is disposed at once,
            // however long the interval until its next tick
            if (!round.await(sendTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                log.warn("outbox relay did not finish its batch in time; its rows will be relayed again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Disposable current = loop;
            if (current != null) {
                current.dispose();
            }
            backlog.stop();
        }
        log.info("outbox relay stopped");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private record Batch(int locked, int published, int parked, boolean full) {
        static final Batch NONE = new Batch(0, 0, 0, false);

        static Batch of(int locked, List<Delivery> settled, boolean full) {
            int parked = (int) settled.stream().filter(d -> d.outcome() == Outcome.PARKED).count();
            return new Batch(locked, settled.size() - parked, parked, full);
        }

        boolean failed() {
            return published + parked < locked;
        }
    }

    /** What one relay round did. */
    public record Round(long published, long parked, boolean failed) {
        static final Round NONE = new Round(0, 0, false);
        static final Round FAILED = new Round(0, 0, true);

        private Round plus(Batch batch) {
            return new Round(published + batch.published(), parked + batch.parked(), failed || batch.failed());
        }
    }
}
