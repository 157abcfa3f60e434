package dev.fleet.platform.kafka;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.support.SendResult;

import dev.fleet.schemas.Topic;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One stream of records (e.g. the chunks of one chat reply) handed to the producer in the order
 * its sends are subscribed: the fleet's one order-preserving reactive publish. Obtained from
 * {@link FleetPublisher#inOrder()}.
 * <p>
 * The hand-over runs serially on the bounded-elastic scheduler (the producer may block for
 * metadata up to {@code max.block.ms}, which must never happen on an event loop); it does not wait
 * for a record's acknowledgement before handing over the next (pipelining), so the producer keeps
 * their order per partition (idempotence, {@code max.in.flight} ≤ 5). Each returned Mono completes
 * when the broker acknowledged its record, on the parallel scheduler (callers continue with
 * non-blocking work only), never on the producer's I/O thread. A send whose subscriber cancelled before its turn is skipped.
 * <p>
 * Limits: order holds between the sends of one instance only, and it is subscription order — a
 * caller that needs call order subscribes in call order ({@code concatMap},
 * {@code flatMapSequential}, or one thread). Thread-safe.
 */
public final class OrderedSends {

    private final FleetPublisher publisher;
    private final Scheduler scheduler;
    private final Queue<Runnable> handOvers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    OrderedSends(FleetPublisher publisher, Scheduler scheduler) {
        this.publisher = publisher;
        this.scheduler = scheduler;
    }

    OrderedSends(FleetPublisher publisher) {
        this(publisher, Schedulers.boundedElastic());
    }

    /** Sends {@code value} keyed by {@code key}, by key's partition. */
    public <V extends SpecificRecord> Mono<SendResult<String, SpecificRecord>> send(Topic<V> topic, String key,
            V value, EventContext context) {
        return send(topic, null, key, value, context);
    }

    /** Sends {@code value} to {@code partition}, or by key when it is null (a reply's {@code replyPartition}). */
    public <V extends SpecificRecord> Mono<SendResult<String, SpecificRecord>> send(Topic<V> topic,
            Integer partition, String key, V value, EventContext context) {
        return Mono.<SendResult<String, SpecificRecord>>create(sink -> enqueue(sink,
                        () -> publisher.publish(topic, partition, key, value, context)))
                // the acknowledgement arrives on the producer's I/O thread, which must go straight back to
                // sending: what follows runs on the parallel scheduler (non-blocking work only, as every
                // caller's continuation is); the bounded-elastic one serialised its submissions on a lock
                // the I/O thread then queued on (a chat's dozen acknowledgements at a time)
                .publishOn(Schedulers.parallel());
    }

    private void enqueue(MonoSink<SendResult<String, SpecificRecord>> sink,
            Supplier<CompletableFuture<SendResult<String, SpecificRecord>>> send) {
        HandOver handOver = new HandOver(sink, send);
        sink.onCancel(handOver::cancel);
        handOvers.add(handOver);
        if (pending.getAndIncrement() == 0) {
            scheduler.schedule(this::drain);
        }
    }

    /** Hands over everything queued, one at a time; whoever enqueues onto an idle queue starts it. */
    private void drain() {
        int missed = 1;
        do {
            Runnable next;
            while ((next = handOvers.poll()) != null) {
                next.run();
            }
            missed = pending.addAndGet(-missed);
        } while (missed != 0);
    }

    private static final class HandOver implements Runnable {

        private final MonoSink<SendResult<String, SpecificRecord>> sink;
        private final Supplier<CompletableFuture<SendResult<String, SpecificRecord>>> send;
        private volatile boolean cancelled;

        HandOver(MonoSink<SendResult<String, SpecificRecord>> sink,
                Supplier<CompletableFuture<SendResult<String, SpecificRecord>>> send) {
            this.sink = sink;
            this.send = send;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public void run() {
            if (cancelled) {
                return;
            }
            CompletableFuture<SendResult<String, SpecificRecord>> sent;
            try {
                sent = send.get();
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            sent.whenComplete((result, error) -> {
                if (error != null) {
                    sink.error(error);
                } else {
                    sink.success(result);
                }
            });
        }
    }
}
