package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link EndOffsets} through one Kafka {@link Admin} client, created on first use from the
 * admin-relevant part of a consumer configuration (bootstrap servers, security), shared by the
 * mirrors of a service. Thread-safe; the answer arrives on the admin client's thread.
 */
final class AdminEndOffsets implements EndOffsets, AutoCloseable {

    private final Map<String, Object> adminConfig;
    private Admin admin; // guarded by this

    AdminEndOffsets(Map<String, Object> consumerConfig) {
        Map<String, Object> config = new HashMap<>();
        consumerConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key) && !key.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                config.put(key, value);
            }
        });
        this.adminConfig = Map.copyOf(config);
    }

    @Override
    public CompletionStage<Map<TopicPartition, Long>> latest(Collection<TopicPartition> partitions,
            Duration timeout) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        try {
            return admin().listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)
                            .timeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                    .all()
                    .toCompletionStage()
                    .thenApply(offsets -> {
                        Map<TopicPartition, Long> ends = new HashMap<>();
                        offsets.forEach((tp, info) -> ends.put(tp, info.offset()));
                        return ends;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A new admin client with the same settings, for a caller that owns (and closes) it. */
    Admin newAdmin() {
        return Admin.create(adminConfig);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminConfig);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
