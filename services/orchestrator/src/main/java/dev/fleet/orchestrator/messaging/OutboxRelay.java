package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes the outbox: every {@code interval}, in one transaction, takes the oldest unpublished
 * rows ({@code FOR UPDATE SKIP LOCKED}), sends them in id order through the {@link FleetPublisher}
 * with the row's event id, tenant and trace, waits for the acknowledgements and marks the
 * acknowledged prefix published; it keeps going while batches come back full.
 * <p>
 * At-least-once: a row whose send fails (and every row after it, to keep per-key order) stays
 * unpublished for the next round — rows after it that did reach the broker are sent again then.
 * A transaction-scoped advisory lock makes one replica the relay at a time, so replicas cannot
 * reorder each other's batches. After a failed round the relay pauses, doubling up to 30 s.
 * Stopping lets the batch in flight finish.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    private final OutboxRepository outbox;
    private final TransactionalOperator transactions;
    private final FleetPublisher publisher;
    private final FleetSerde serde;
    private final Clock clock;
    private final Duration interval;
    private final int batchSize;
    private final Duration sendTimeout;

    private volatile boolean running;
    private volatile Disposable loop;
    private volatile int failedRounds;
    private volatile long pausedUntilNanos;
    private volatile CountDownLatch stopped = new CountDownLatch(0);

    public OutboxRelay(OutboxRepository outbox, TransactionalOperator transactions, FleetPublisher publisher,
            FleetSerde serde, Clock clock, Duration interval, int batchSize, Duration sendTimeout) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.publisher = publisher;
        this.serde = serde;
        this.clock = clock;
        this.interval = interval;
        this.batchSize = batchSize;
        this.sendTimeout = sendTimeout;
    }

    /** Relays until the outbox is empty or a batch fails. */
    public Mono<Round> drain() {
        return relayBatch()
                .expand(batch -> batch.full() && !batch.failed() ? relayBatch() : Mono.empty())
                .reduce(Round.NONE, (round, batch) -> new Round(round.published() + batch.published(),
                        round.failed() || batch.failed()));
    }

    private Mono<Batch> relayBatch() {
        Mono<Batch> batch = outbox.tryBecomeRelay().flatMap(relay -> !relay ? Mono.just(Batch.NONE)
                : outbox.lockUnpublished(batchSize).collectList().flatMap(rows -> rows.isEmpty()
                        ? Mono.just(Batch.NONE)
                        : publishInOrder(rows).flatMap(published -> outbox.markPublished(published, clock.instant())
                                .thenReturn(new Batch(rows.size(), published.size(), rows.size() == batchSize)))));
        return transactions.transactional(batch);
    }

    /** Sends all rows in order, then returns the ids of the longest acknowledged prefix. */
    private Mono<List<Long>> publishInOrder(List<OutboxRow> rows) {
        return Mono.defer(() -> {
            List<Mono<Boolean>> acks = new ArrayList<>(rows.size());
            for (OutboxRow row : rows) {
                CompletableFuture<?> sent = send(row);
                acks.add(Mono.fromFuture(sent, true)
                        .timeout(sendTimeout)
                        .thenReturn(true)
                        .onErrorResume(e -> {
                            log.warn("outbox row {} (event {}, topic {}) not published, retrying next round: {}",
                                    row.id(), row.eventId(), row.topic(), e.toString());
                            return Mono.just(false);
                        }));
                if (sent.isCompletedExceptionally()) {
                    break; // the rest would be re-sent anyway; don't flood a failing producer
                }
            }
            return Flux.concat(acks).takeWhile(acked -> acked).count()
                    .map(n -> rows.subList(0, n.intValue()).stream().map(OutboxRow::id).toList());
        })
                .subscribeOn(Schedulers.boundedElastic()) // a send can block while the producer fetches metadata
                .publishOn(Schedulers.boundedElastic()); // acks complete on the producer's I/O thread: leave it
    }

    private CompletableFuture<?> send(OutboxRow row) {
        try {
            Topic<?> topic = FleetTopics.byName(row.topic())
                    .orElseThrow(() -> new IllegalStateException("topic " + row.topic() + " is not in the catalog"));
            return send(topic, row);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <V extends SpecificRecord> CompletableFuture<?> send(Topic<V> topic, OutboxRow row) {
        V value = serde.deserialize(topic, row.payload());
        TraceParent trace = TraceParent.parse(row.traceparent()).orElseGet(TraceParent::newRoot);
        EventContext context = new EventContext(row.tenantId().toString(), row.eventId().toString(), trace);
        return publisher.publish(topic, row.key(), value, context);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        failedRounds = 0;
        pausedUntilNanos = System.nanoTime();
        CountDownLatch done = new CountDownLatch(1);
        stopped = done;
        loop = Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .takeWhile(tick -> running)
                .filter(tick -> System.nanoTime() - pausedUntilNanos >= 0)
                .concatMap(tick -> drain().onErrorResume(e -> {
                    log.warn("outbox relay round failed: {}", e.toString());
                    return Mono.just(Round.FAILED);
                }), 1)
                .doFinally(signal -> done.countDown())
                .subscribe(this::afterRound);
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
            if (!stopped.await(sendTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                log.warn("outbox relay did not finish its batch in time; its rows will be relayed again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Disposable current = loop;
            if (current != null) {
                current.dispose();
            }
        }
        log.info("outbox relay stopped");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private record Batch(int locked, int published, boolean full) {
        static final Batch NONE = new Batch(0, 0, false);

        boolean failed() {
            return published < locked;
        }
    }

    /** What one relay round did. */
    public record Round(long published, boolean failed) {
        static final Round NONE = new Round(0, false);
        static final Round FAILED = new Round(0, true);
    }
}
