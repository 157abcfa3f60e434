package dev.fleet.gateway.messaging;

import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.gateway.domain.ratelimit.LimitsDirectory;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds an {@link ApiKeyDirectory} (and the {@link LimitsDirectory} of the rate limits) from the compacted {@code fleet.tenants.v1} and
 * {@code fleet.api-keys.v1}, read from the beginning by every replica. A record the directory
 * refuses (or that cannot be decoded) goes to the topic's DLQ and the feed goes on; readiness
 * waits until both topics are caught up (the {@code topicMirrors} health indicator).
 */
public final class ApiKeyDirectoryFeed {

    private ApiKeyDirectoryFeed() {
    }

    /** Registers the two mirrors; call while the context is built so they start with {@link TopicMirrors}. */
    public static ApiKeyDirectory feed(TopicMirrors mirrors, ApiKeyDirectory directory, LimitsDirectory limits) {
        mirrors.fromBeginning(FleetTopics.TENANTS, record -> {
            directory.applyTenant(record.key(), record.value());
            limits.applyTenant(record.key(), record.value());
        });
        mirrors.fromBeginning(FleetTopics.API_KEYS, record -> {
            directory.applyKey(record.key(), record.value());
            limits.applyKey(record.key(), record.value());
        });
        return directory;
    }
}
