package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.fleet.schemas.Topic;

/**
 * Creates this service's {@link ReplyRouter}s, each with the {@link ReplyConsumer} that reads its
 * share of the reply topic in group {@code <replyGroup>.<topic>}, and runs them with the
 * application: started (and their first assignment awaited, bounded) before the listener
 * containers and the web server, stopped after them.
 */
public class ReplyConsumers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReplyConsumers.class);

    private final Map<String, Object> consumerConfig;
    private final FleetSerde serde;
    private final DeadLetters deadLetters;
    private final String replyGroup;
    private final Duration assignmentWait;
    private final HandDrivenConsumers handDriven;
    private final List<ReplyConsumer<?>> consumers = new CopyOnWriteArrayList<>();
    private volatile boolean running;

    /**
     * @param replyGroup     prefix of the consumer groups, shared by the replicas of one service
     * @param assignmentWait how long start-up waits for each group's first assignment
     */
    public ReplyConsumers(Map<String, Object> consumerConfig, FleetSerde serde, DeadLetters deadLetters,
            String replyGroup, Duration assignmentWait) {
        this(consumerConfig, serde, deadLetters, replyGroup, assignmentWait, HandDrivenConsumers.UNBOUND);
    }

    /** @param handDriven creates the reply consumers (and binds their metrics) */
    public ReplyConsumers(Map<String, Object> consumerConfig, FleetSerde serde, DeadLetters deadLetters,
            String replyGroup, Duration assignmentWait, HandDrivenConsumers handDriven) {
        this.handDriven = handDriven;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.serde = serde;
        this.deadLetters = deadLetters;
        this.replyGroup = replyGroup;
        this.assignmentWait = assignmentWait;
    }

    /** Routes this replica's replies on {@code topic} to the requests it registers. */
    public synchronized <V extends SpecificRecord> ReplyRouter<V> router(Topic<V> topic, Predicate<V> isLast) {
        ReplyRouter<V> router = new ReplyRouter<>(topic.name(), isLast);
        ReplyConsumer<V> consumer = new ReplyConsumer<>(topic, replyGroup + "." + topic.name(), consumerConfig,
                serde, deadLetters, router, handDriven);
        consumers.add(consumer);
        if (running) {
            consumer.start();
            awaitAssignment(List.of(consumer));
        }
        return router;
    }

    /** Every reply consumer created so far. */
    public List<ReplyConsumer<?>> all() {
        return List.copyOf(consumers);
    }

    @Override
    public synchronized void start() {
        consumers.forEach(ReplyConsumer::start);
        awaitAssignment(consumers);
        running = true;
    }

    private void awaitAssignment(List<ReplyConsumer<?>> started) {
        long deadline = System.nanoTime() + assignmentWait.toNanos();
        for (ReplyConsumer<?> consumer : started) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!consumer.awaitAssignment(left)) {
                log.warn("no partition of {} assigned within {} (group {}); not ready until one is",
                        consumer.topic().name(), assignmentWait, consumer.groupId());
            }
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        consumers.forEach(ReplyConsumer::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // like TopicMirrors: before the web server and the listener containers, stopped after them
        return Integer.MAX_VALUE - 4096;
    }
}
