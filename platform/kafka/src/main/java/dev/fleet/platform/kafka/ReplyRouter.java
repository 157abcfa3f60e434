package dev.fleet.platform.kafka;

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
 * Register before publishing the request, so no reply can arrive unobserved.
 */
public class ReplyRouter<V extends SpecificRecord> {

    private final Map<String, Sinks.Many<V>> pending = new ConcurrentHashMap<>();
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
        Sinks.Many<V> sink = Sinks.many().unicast().onBackpressureBuffer();
        if (pending.putIfAbsent(requestId, sink) != null) {
            throw new IllegalStateException("request " + requestId + " is already awaiting replies");
        }
        return sink.asFlux().doFinally(signal -> pending.remove(requestId, sink));
    }

    /** Stops waiting for {@code requestId} (e.g. its request could not be published). */
    public void forget(String requestId) {
        Sinks.Many<V> sink = pending.remove(requestId);
        if (sink != null) {
            sink.tryEmitComplete();
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
        Sinks.Many<V> sink = pending.get(record.key());
        if (sink == null) {
            return;
        }
        synchronized (sink) {
            sink.tryEmitNext(record.value());
            if (isLast.test(record.value())) {
                sink.tryEmitComplete();
                pending.remove(record.key(), sink);
            }
        }
    }
}
