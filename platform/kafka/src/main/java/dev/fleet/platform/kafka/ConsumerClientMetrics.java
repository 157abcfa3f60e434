package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

/**
 * Micrometer's {@link KafkaClientMetrics} of one consumer, bound to a registry, looking for new client
 * metrics every {@code refresh} instead of Micrometer's fixed minute: a partition's
 * {@code records-lag} only exists once the consumer has fetched from it, so after a rebalance the
 * lag of a newly assigned partition appears within {@code refresh}
 * ({@code fleet.kafka.client-metrics-refresh}). Closing unbinds the meters and stops the refresh.
 */
final class ConsumerClientMetrics implements AutoCloseable {

    private final KafkaClientMetrics metrics;
    private final ScheduledThreadPoolExecutor refresher;

    ConsumerClientMetrics(Consumer<?, ?> consumer, List<Tag> tags, Duration refresh, MeterRegistry registry) {
        this.refresher = new FixedPeriod(refresh);
        this.metrics = new KafkaClientMetrics(consumer, tags, refresher);
        metrics.bindTo(registry);
    }

    @Override
    public void close() {
        // Micrometer leaves a scheduler it was handed running; stopped first (as Micrometer does its own), so a
        // refresh cannot bind meters again after close() removed them
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
    }

    /** Runs Micrometer's periodic check at this period rather than the one it asks for. */
    private static final class FixedPeriod extends ScheduledThreadPoolExecutor {

        private final long periodMillis;

        FixedPeriod(Duration period) {
            super(1, runnable -> {
                Thread thread = new Thread(runnable, "fleet-kafka-client-metrics");
                thread.setDaemon(true);
                return thread;
            });
            this.periodMillis = Math.max(1, period.toMillis());
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return super.scheduleAtFixedRate(command, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
    }
}
