package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.springframework.kafka.core.ConsumerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/**
 * Binds the Kafka client metrics of every consumer the fleet's consumer factory creates
 * (Micrometer's {@code KafkaClientMetrics}: {@code kafka.consumer.fetch.manager.records.lag} per topic and
 * partition and the rest) to the
 * registry, tagged with the consumer's {@code group} — which spring-kafka's
 * {@code MicrometerConsumerListener} leaves out, and which an SRE needs to tell whose lag it is.
 * The hand-driven consumers ({@link TopicMirror}, {@link ReplyConsumer}, …) get the same through
 * {@link HandDrivenConsumers}.
 */
public class ConsumerGroupMetrics<K, V> implements ConsumerFactory.Listener<K, V> {

    private final MeterRegistry registry;
    private final Duration refresh;
    private final Map<String, ConsumerClientMetrics> bound = new ConcurrentHashMap<>();

    /** @param refresh how often each consumer's new client metrics (a newly fetched partition's lag) are bound */
    public ConsumerGroupMetrics(MeterRegistry registry, Duration refresh) {
        this.registry = registry;
        this.refresh = refresh;
    }

    @Override
    public void consumerAdded(String id, Consumer<K, V> consumer) {
        ConsumerClientMetrics metrics = new ConsumerClientMetrics(consumer,
                List.of(Tag.of("spring.id", id), Tag.of("group", groupOf(consumer))), refresh, registry);
        ConsumerClientMetrics previous = bound.put(id, metrics);
        if (previous != null) {
            previous.close();
        }
    }

    @Override
    public void consumerRemoved(String id, Consumer<K, V> consumer) {
        ConsumerClientMetrics metrics = bound.remove(id);
        if (metrics != null) {
            metrics.close();
        }
    }

    private static String groupOf(Consumer<?, ?> consumer) {
        try {
            return consumer.groupMetadata().groupId();
        } catch (KafkaException noGroup) {
            return "none";
        }
    }
}
