package dev.fleet.platform.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Per reply topic of this replica: {@code fleet.replies.partitions} (owned; 0 on a replica beyond
 * the partition count), {@code fleet.replies.pending} (requests waiting) and
 * {@code fleet.replies.records.consumed} (Kafka's {@code records-consumed-total} of its reply
 * consumer: its share of the topic). Limits: covers the routers created while the context is
 * built, which is where services create them.
 */
public class ReplyConsumersMetrics implements MeterBinder {

    private final ReplyConsumers consumers;

    public ReplyConsumersMetrics(ReplyConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ReplyConsumer<?> consumer : consumers.all()) {
            Tags tags = Tags.of("topic", consumer.topic().name(), "group", consumer.groupId());
            Gauge.builder("fleet.replies.partitions", consumer, c -> c.router().partitions().size()).tags(tags)
                    .description("reply partitions this replica owns").register(registry);
            Gauge.builder("fleet.replies.pending", consumer, c -> c.router().pendingCount()).tags(tags)
                    .description("requests waiting for replies").register(registry);
            FunctionCounter.builder("fleet.replies.records.consumed", consumer, ReplyConsumer::recordsConsumed)
                    .tags(tags).description("reply records this replica read").register(registry);
        }
    }
}
