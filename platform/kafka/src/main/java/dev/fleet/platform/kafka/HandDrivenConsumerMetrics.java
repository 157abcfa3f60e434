package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.KafkaConsumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

/**
 * The platform's {@link HandDrivenConsumers.Binding}: Micrometer's {@link KafkaClientMetrics} of a
 * hand-driven consumer with the same extra tags as {@link ConsumerGroupMetrics} gives a listener's
 * ({@code spring.id}, {@code group}), removed from the registry when the consumer closes.
 */
final class HandDrivenConsumerMetrics implements HandDrivenConsumers.Binding {

    private final MeterRegistry registry;
    private final Duration refresh;

    HandDrivenConsumerMetrics(MeterRegistry registry, Duration refresh) {
        this.registry = registry;
        this.refresh = refresh;
    }

    @Override
    public AutoCloseable bind(KafkaConsumer<?, ?> consumer, String name, String group) {
        return new ConsumerClientMetrics(consumer, List.of(Tag.of("spring.id", name), Tag.of("group", group)), refresh,
                registry);
    }
}
