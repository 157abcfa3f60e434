package dev.fleet.platform.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health contributor {@code replyPartitions}: OUT_OF_SERVICE while a reply topic has no partition
 * owned by this replica (before the first assignment, or a replica beyond the topic's partition
 * count), so no request is accepted whose replies nobody here would read. Details per topic: the
 * group, the partitions owned, the requests waiting and the records read.
 */
public class ReplyPartitionsHealthIndicator extends AbstractHealthIndicator {

    private final ReplyConsumers consumers;

    public ReplyPartitionsHealthIndicator(ReplyConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean ready = true;
        for (ReplyConsumer<?> consumer : consumers.all()) {
            ReplyRouter<?> router = consumer.router();
            boolean owns = consumer.isRunning() && router.isReady();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("group", consumer.groupId());
            detail.put("partitions", router.partitions());
            detail.put("pending", router.pendingCount());
            detail.put("recordsConsumed", (long) consumer.recordsConsumed());
            if (!owns) {
                detail.put("reason", "no partition owned: not assigned yet, or more replicas than the topic's "
                        + consumer.topic().partitions() + " partitions");
            }
            builder.withDetail(consumer.topic().name(), detail);
            ready &= owns;
        }
        if (ready) {
            builder.up();
        } else {
            builder.outOfService();
        }
    }
}
