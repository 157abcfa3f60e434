package dev.fleet.gateway.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.Tenant;
import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.gateway.domain.DirectorySync;
import dev.fleet.gateway.domain.ItemStorageLimits;
import dev.fleet.platform.kafka.MirrorOptions;
import dev.fleet.platform.kafka.TopicMirror;
import dev.fleet.gateway.domain.ratelimit.LimitsDirectory;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds an {@link ApiKeyDirectory} (and the rate limits' {@link LimitsDirectory}, the item limits of
 * {@link ItemStorageLimits}) from the compacted {@code fleet.tenants.v1} and
 * {@code fleet.api-keys.v1}, read from the beginning by every replica, and tells the domain how
 * fresh it is. A record the directory refuses (or that cannot be decoded) goes to the topic's DLQ
 * and takes readiness down (the {@code topicMirrors} health indicator names topic and offset):
 * skipping it could leave a revoked key valid. Readiness also waits until both topics are caught
 * up. A catch-up brings both mirrors to their topics' end offsets as of the call.
 */
public final class ApiKeyDirectoryFeed implements DirectorySync {

    private final TopicMirror<Tenant> tenants;
    private final TopicMirror<ApiKey> keys;

    private ApiKeyDirectoryFeed(TopicMirror<Tenant> tenants, TopicMirror<ApiKey> keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    /**
     * Registers the two mirrors; call while the context is built so they start with {@link TopicMirrors}.
     *
     * @param catchUpTimeout longest one catch-up of a mirror may take
     */
    public static ApiKeyDirectoryFeed feed(TopicMirrors mirrors, ApiKeyDirectory directory, LimitsDirectory limits,
            ItemStorageLimits itemLimits, Duration catchUpTimeout) {
        MirrorOptions options = MirrorOptions.DEFAULTS.failReadinessOnUnreadable().withCatchUpTimeout(catchUpTimeout);
        return new ApiKeyDirectoryFeed(
                mirrors.fromBeginning(FleetTopics.TENANTS, options,
                        record -> {
                            directory.applyTenant(record.key(), record.value());
                            limits.applyTenant(record.key(), record.value());
                            itemLimits.applyTenant(record.key(), record.value());
                        }),
                mirrors.fromBeginning(FleetTopics.API_KEYS, options,
                        record -> {
                            directory.applyKey(record.key(), record.value());
                            limits.applyKey(record.key(), record.value());
                        }));
    }

    @Override
    public boolean isLoaded() {
        return tenants.isCaughtUp() && keys.isCaughtUp();
    }

    @Override
    public CompletableFuture<Void> catchUp() {
        return CompletableFuture.allOf(tenants.catchUp(), keys.catchUp());
    }
}
