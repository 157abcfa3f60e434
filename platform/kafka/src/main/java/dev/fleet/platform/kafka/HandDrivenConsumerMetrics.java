package dev.fleet.platform.kafka;

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

    HandDrivenConsumerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public AutoCloseable bind(KafkaConsumer<?, ?> consumer, String name, String group) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer,
                List.of(Tag.of("spring.id", name), Tag.of("group", group)));
        metrics.bindTo(registry);
        return metrics::close;
    }
}
