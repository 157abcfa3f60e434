package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Creates the consumers the fleet drives by hand, outside spring-kafka's consumer factory
 * ({@link TopicMirror}, {@link TopicTail}, {@link ReplyConsumer}, a service's own such as the scorer's
 * item-vector shards), and hands each to a {@link Binding} for as long as it is open: the platform's
 * binding registers its Kafka client metrics (fetch rate, {@code records-lag} per partition) with
 * Micrometer, tagged like the factory-created consumers' ({@link ConsumerGroupMetrics}), so their
 * {@code spring.id} tag is the consumer's {@code name} and their {@code group} is its group id or
 * {@code none}. {@link #UNBOUND} binds nothing (an application without Micrometer, unit tests).
 */
public final class HandDrivenConsumers {

    /** What is attached to a consumer while it is open; the returned handle is closed with it. */
    @FunctionalInterface
    public interface Binding {
        AutoCloseable bind(KafkaConsumer<?, ?> consumer, String name, String group);
    }

    /** Creates consumers with nothing bound to them. */
    public static final HandDrivenConsumers UNBOUND = new HandDrivenConsumers((consumer, name, group) -> () -> {
    });

    private final Binding binding;

    public HandDrivenConsumers(Binding binding) {
        this.binding = binding;
    }

    /** A byte-array consumer with {@code config}, bound until it is closed; {@code name} says what it is for. */
    public KafkaConsumer<byte[], byte[]> open(Map<?, ?> config, String name) {
        Properties props = new Properties();
        props.putAll(config);
        Object group = props.get(ConsumerConfig.GROUP_ID_CONFIG);
        return new BoundConsumer(props, name, group == null ? "none" : group.toString(), binding);
    }

    /** A consumer that closes its binding when it is closed. */
    private static final class BoundConsumer extends KafkaConsumer<byte[], byte[]> {

        private final AutoCloseable handle;

        BoundConsumer(Properties props, String name, String group, Binding binding) {
            super(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.handle = binding.bind(this, name, group);
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                release();
            }
        }

        @Override
        public void close(Duration timeout) {
            try {
                super.close(timeout);
            } finally {
                release();
            }
        }

        private void release() {
            try {
                handle.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release the consumer's binding", e);
            }
        }
    }
}
