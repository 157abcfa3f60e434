package dev.fleet.gateway.messaging;

import dev.fleet.gateway.domain.ItemStorageLimits;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds {@link ItemStorageLimits} with what each tenant stores, from the compacted
 * {@code fleet.item-storage.v1} read from the beginning by every replica; readiness waits until it is
 * caught up. (The limits come with the tenants, through {@link ApiKeyDirectoryFeed}.)
 */
public final class ItemStorageFeed {

    private ItemStorageFeed() {
    }

    /** Registers the mirror; call while the context is built so it starts with {@link TopicMirrors}. */
    public static ItemStorageLimits feed(TopicMirrors mirrors, ItemStorageLimits limits) {
        mirrors.fromBeginning(FleetTopics.ITEM_STORAGE, record -> limits.applyStorage(record.key(), record.value()));
        return limits;
    }
}
