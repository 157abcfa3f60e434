package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Hands replies to the requests this replica is waiting for. Every replica reads the whole
 * reply topic (a {@link TopicMirror} from the end) and keeps the replies whose key is a request
 * id it registered; the others are another replica's and are ignored.
 * <p>
 * Register before publishing the request, so no reply can arrive unobserved. A registration is
 * released when its flux terminates or is cancelled; one whose flux is never subscribed is
 * dropped after {@link #ABANDONED_AFTER}.
 */
public class ReplyRouter<V extends SpecificRecord> {

    /** How long a registration nobody subscribed to is kept. */
    public static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);

    private record Pending<V>(Sinks.Many<V> sink, long registeredAtNanos) {
    }

    private final Map<String, Pending<V>> pending = new ConcurrentHashMap<>();
    private final Predicate<V> isLast;

    /** @param isLast true for the reply that completes a request (a single reply, or the final chunk) */
    public ReplyRouter(Predicate<V> isLast) {
        this.isLast = isLast;
    }

    /**
     * The replies to {@code requestId}, completing after the last one. Cancel it (or let a
     * timeout do so) to stop waiting.
     */
    public Flux<V> register(String requestId) {
        dropAbandoned();
        Pending<V> entry = new Pending<>(Sinks.many().unicast().onBackpressureBuffer(), System.nanoTime());
        if (pending.putIfAbsent(requestId, entry) != null) {
            throw new IllegalStateException("request " + requestId + " is already awaiting replies");
        }
        return entry.sink().asFlux().doFinally(signal -> pending.remove(requestId, entry));
    }

    /** Stops waiting for {@code requestId} (e.g. its request could not be published). */
    public void forget(String requestId) {
        Pending<V> entry = pending.remove(requestId);
        if (entry != null) {
            entry.sink().tryEmitComplete();
        }
    }

    /** Number of requests waiting for replies. */
    public int pendingCount() {
        return pending.size();
    }

    /** Feeds one reply record (the mirror's handler). */
    public void accept(MirroredRecord<V> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        Pending<V> entry = pending.get(record.key());
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            entry.sink().tryEmitNext(record.value());
            if (isLast.test(record.value())) {
                entry.sink().tryEmitComplete();
                pending.remove(record.key(), entry);
            }
        }
    }

    private void dropAbandoned() {
        long cutoff = System.nanoTime() - ABANDONED_AFTER.toNanos();
        pending.entrySet().removeIf(e -> e.getValue().registeredAtNanos() < cutoff
                && e.getValue().sink().currentSubscriberCount() == 0);
    }
}
