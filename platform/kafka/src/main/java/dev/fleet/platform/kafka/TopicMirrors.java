package dev.fleet.platform.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.springframework.context.SmartLifecycle;

import dev.fleet.schemas.Topic;

/**
 * Creates this service's {@link TopicMirror}s and {@link TopicTail}s and runs them with the
 * application: started before the listener containers and the web server, stopped after them.
 * The mirrors share one admin client for their catch-ups' end offsets, created on first use.
 */
public class TopicMirrors implements SmartLifecycle {

    private final Map<String, Object> consumerConfig;
    private final FleetSerde serde;
    private final DeadLetters deadLetters;
    private final AdminEndOffsets endOffsets;
    private final HandDrivenConsumers handDriven;
    private final List<TopicMirror<?>> mirrors = new CopyOnWriteArrayList<>();
    private final List<TopicTail<?>> tails = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    public TopicMirrors(Map<String, Object> consumerConfig, FleetSerde serde, DeadLetters deadLetters) {
        this(consumerConfig, serde, deadLetters, HandDrivenConsumers.UNBOUND);
    }

    /** @param handDriven creates the mirrors' and tails' consumers (and binds their metrics) */
    public TopicMirrors(Map<String, Object> consumerConfig, FleetSerde serde, DeadLetters deadLetters,
            HandDrivenConsumers handDriven) {
        this.handDriven = handDriven;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.serde = serde;
        this.deadLetters = deadLetters;
        this.endOffsets = new AdminEndOffsets(this.consumerConfig);
    }

    /**
     * A new, empty set of mirrors with the same consumer settings, serde and dead letters, but a
     * lifecycle and health of its own: for views that must not hold this service's readiness (an admin
     * console's read models), started and stopped by whoever owns them, never a bean of this type.
     */
    public TopicMirrors sibling() {
        return new TopicMirrors(consumerConfig, serde, deadLetters, handDriven);
    }

    /** Materializes {@code topic} from its beginning into {@code handler}, then follows it. */
    public <V extends SpecificRecord> TopicMirror<V> fromBeginning(Topic<V> topic, Consumer<MirroredRecord<V>> handler) {
        return fromBeginning(topic, MirrorOptions.DEFAULTS, handler);
    }

    /** {@link #fromBeginning(Topic, Consumer)} with its own policy for unreadable records and catch-up bound. */
    public <V extends SpecificRecord> TopicMirror<V> fromBeginning(Topic<V> topic, MirrorOptions options,
            Consumer<MirroredRecord<V>> handler) {
        return add(new TopicMirror<>(topic, consumerConfig, serde, deadLetters, handler,
                options, endOffsets, handDriven));
    }

    /**
     * Follows {@code topic} from its end at start, handing {@code handler} the records whose key passes
     * {@code wantsKey} (see {@link TopicTail}).
     */
    public synchronized <V extends SpecificRecord> TopicTail<V> fromEnd(Topic<V> topic, Predicate<String> wantsKey,
            Consumer<MirroredRecord<V>> handler) {
        TopicTail<V> tail = new TopicTail<>(topic, consumerConfig, serde, wantsKey, handler, handDriven);
        tails.add(tail);
        if (running) {
            tail.start();
        }
        return tail;
    }

    /** Every mirror created so far. */
    public List<TopicMirror<?>> all() {
        return List.copyOf(mirrors);
    }

    private <M extends TopicMirror<?>> M add(M mirror) {
        mirrors.add(mirror);
        if (running) {
            mirror.start();
        }
        return mirror;
    }

    @Override
    public synchronized void start() {
        mirrors.forEach(TopicMirror::start);
        tails.forEach(TopicTail::start);
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        mirrors.forEach(TopicMirror::stop);
        tails.forEach(TopicTail::stop);
        endOffsets.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // before the web server starts (and after it has drained in-flight requests on shutdown),
        // and before the listener containers
        return Integer.MAX_VALUE - 4096;
    }
}
