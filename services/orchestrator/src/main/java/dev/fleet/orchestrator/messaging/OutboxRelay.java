package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
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
import dev.fleet.platform.kafka.UnknownSchemaException;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes the outbox: every {@code interval}, in one transaction, takes the oldest rows neither
 * published nor parked ({@code FOR UPDATE SKIP LOCKED}), sends them in id order through the
 * {@link FleetPublisher} with the row's event id, tenant and trace, waits for the acknowledgements
 * and settles the longest prefix it can — acknowledged rows are marked published, poison rows are
 * parked; it keeps going while batches come back full.
 * <p>
 * At-least-once: a row whose send fails transiently (broker down, timeout, a writer schema this
 * replica does not know yet during a rolling upgrade) stays unpublished for the next round, and so
 * does every row after it, to keep per-key order — rows after it that did reach the broker are sent
 * again then. After such a round the relay pauses, doubling up to 30 s.
 * <p>
 * A row that can never be published — its payload does not decode with the fleet serde, its topic
 * is not in the catalog, the producer rejects it as too large or unserializable — is parked instead
 * of retried forever: it gets {@code failed_at} and a one-line reason that never holds payload
 * bytes, is logged at ERROR with its row id and event id, and later rounds skip it, so it cannot
 * hold back the changes after it (a key revocation, say). Limit: a parked row is missing from its
 * topic. On a compacted topic that only matters until the key's next update, which carries the
 * entity's whole state and still wins; if the parked row was the key's last update, the topic keeps
 * the previous state until then. A parked domain event is never delivered. Parked rows need an
 * operator ({@code V2__outbox_failures.sql} says how to replay one).
 * <p>
 * A transaction-scoped advisory lock makes one replica the relay at a time, so replicas cannot
 * reorder each other's batches. The gauges {@code fleet.outbox.pending} and
 * {@code fleet.outbox.parked} count the whole outbox (every replica reports the same numbers),
 * refreshed every {@value #BACKLOG_REFRESH_SECONDS} s; NaN until the first count. Stopping lets the
 * batch in flight finish.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);
    private static final int BACKLOG_REFRESH_SECONDS = 5;

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
    private volatile Disposable backlogLoop;
    private volatile int failedRounds;
    private volatile long pausedUntilNanos;
    private volatile CountDownLatch stopped = new CountDownLatch(0);
    private volatile double pending = Double.NaN;
    private volatile double parked = Double.NaN;

    public OutboxRelay(OutboxRepository outbox, TransactionalOperator transactions, FleetPublisher publisher,
            FleetSerde serde, Clock clock, Duration interval, int batchSize, Duration sendTimeout,
            MeterRegistry meters) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.publisher = publisher;
        this.serde = serde;
        this.clock = clock;
        this.interval = interval;
        this.batchSize = batchSize;
        this.sendTimeout = sendTimeout;
        Gauge.builder("fleet.outbox.pending", this, relay -> relay.pending)
                .description("Outbox rows waiting to be published")
                .register(meters);
        Gauge.builder("fleet.outbox.parked", this, relay -> relay.parked)
                .description("Outbox rows that can never be published, parked for an operator")
                .register(meters);
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
                        : publishInOrder(rows).flatMap(settled -> settle(settled).thenReturn(
                                Batch.of(rows.size(), settled, rows.size() == batchSize)))));
        return transactions.transactional(batch);
    }

    /**
     * Sends all rows in order, then returns the longest prefix that is settled: acknowledged, or
     * parked because it can never be published.
     */
    private Mono<List<Delivery>> publishInOrder(List<OutboxRow> rows) {
        return Mono.defer(() -> {
            List<Mono<Delivery>> deliveries = new ArrayList<>(rows.size());
            for (OutboxRow row : rows) {
                CompletableFuture<?> sent = send(row);
                deliveries.add(Mono.fromFuture(sent, true)
                        .timeout(sendTimeout)
                        .thenReturn(Delivery.published(row))
                        .onErrorResume(e -> Mono.just(failed(row, e))));
                if (sent.isCompletedExceptionally() && unpublishable(sent.handle((value, e) -> e).join()).isEmpty()) {
                    break; // a transient failure: the rest would be re-sent anyway; don't flood a failing producer
                }
            }
            return Flux.concat(deliveries).takeWhile(d -> d.outcome() != Outcome.RETRY).collectList();
        })
                .subscribeOn(Schedulers.boundedElastic()) // a send can block while the producer fetches metadata
                .publishOn(Schedulers.boundedElastic()); // acks complete on the producer's I/O thread: leave it
    }

    private static Delivery failed(OutboxRow row, Throwable e) {
        Optional<String> poison = unpublishable(e);
        if (poison.isPresent()) {
            return Delivery.parked(row, poison.get());
        }
        log.warn("outbox row {} (event {}, topic {}) not published, retrying next round: {}",
                row.id(), row.eventId(), row.topic(), e.toString());
        return Delivery.retry(row);
    }

    /**
     * Why a send failure means the row can never be published, in words fit for the outbox and the
     * log (exception messages are left out: a decoder's may quote payload bytes); empty when a
     * later attempt may succeed.
     */
    private static Optional<String> unpublishable(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof UnpublishableRowException poison) {
                return Optional.of(poison.getMessage());
            }
            if (e instanceof UnknownSchemaException) {
                return Optional.empty(); // written by a newer replica, which can relay it: wait for it
            }
            if (e instanceof RecordTooLargeException) {
                return Optional.of("rejected as too large (" + e.getClass().getSimpleName() + ")");
            }
            if (e instanceof SerializationException) {
                return Optional.of("cannot be serialized (" + e.getClass().getSimpleName() + ")");
            }
        }
        return Optional.empty();
    }

    private CompletableFuture<?> send(OutboxRow row) {
        try {
            Topic<?> topic = FleetTopics.byName(row.topic())
                    .orElseThrow(() -> new UnpublishableRowException("topic is not in the catalog"));
            return send(topic, row);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <V extends SpecificRecord> CompletableFuture<?> send(Topic<V> topic, OutboxRow row) {
        V value;
        try {
            value = serde.deserialize(topic, row.payload());
        } catch (UnknownSchemaException e) {
            throw e;
        } catch (SerializationException e) {
            throw new UnpublishableRowException("payload does not decode as " + topic.valueType().getSimpleName()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        TraceParent trace = TraceParent.parse(row.traceparent()).orElseGet(TraceParent::newRoot);
        EventContext context = new EventContext(row.tenantId().toString(), row.eventId().toString(), trace);
        return publisher.publish(topic, row.key(), value, context);
    }

    /** Parks the poison rows of a settled prefix and marks the rest published, in the relay's transaction. */
    private Mono<Void> settle(List<Delivery> deliveries) {
        Instant now = clock.instant();
        List<Long> published = deliveries.stream().filter(d -> d.outcome() == Outcome.PUBLISHED)
                .map(d -> d.row().id()).toList();
        return Flux.fromIterable(deliveries)
                .filter(d -> d.outcome() == Outcome.PARKED)
                .concatMap(d -> outbox.markFailed(d.row().id(), d.failure(), now).doOnSuccess(updated -> log.error(
                        "outbox row {} (event {}, topic {}) can never be published: {}; parked it, later rows go on",
                        d.row().id(), d.row().eventId(), d.row().topic(), d.failure())))
                .then(outbox.markPublished(published, now))
                .then();
    }

    /** Counts the outbox for the gauges. */
    Mono<Void> refreshBacklog() {
        return outbox.backlog()
                .doOnNext(backlog -> {
                    pending = backlog.pending();
                    parked = backlog.parked();
                })
                .onErrorResume(e -> {
                    log.debug("could not count the outbox: {}", e.toString());
                    return Mono.empty();
                })
                .then();
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
        // apart from the relay loop, so the gauges stay current while the relay pauses
        backlogLoop = Flux.interval(Duration.ZERO, Duration.ofSeconds(BACKLOG_REFRESH_SECONDS))
                .onBackpressureDrop()
                .concatMap(tick -> refreshBacklog(), 1)
                .subscribe();
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
            for (Disposable current : new Disposable[] {loop, backlogLoop}) {
                if (current != null) {
                    current.dispose();
                }
            }
        }
        log.info("outbox relay stopped");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** A row that can never be published; the message is the reason stored with it. */
    private static final class UnpublishableRowException extends RuntimeException {
        UnpublishableRowException(String reason) {
            super(reason, null, false, false);
        }
    }

    private enum Outcome {
        PUBLISHED, PARKED, RETRY
    }

    /** How one row's send ended; {@code failure} says why a parked row can never be published. */
    private record Delivery(OutboxRow row, Outcome outcome, String failure) {
        static Delivery published(OutboxRow row) {
            return new Delivery(row, Outcome.PUBLISHED, null);
        }

        static Delivery parked(OutboxRow row, String failure) {
            return new Delivery(row, Outcome.PARKED, failure);
        }

        static Delivery retry(OutboxRow row) {
            return new Delivery(row, Outcome.RETRY, null);
        }
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
