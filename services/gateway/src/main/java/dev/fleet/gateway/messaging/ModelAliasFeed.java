package dev.fleet.gateway.messaging;

import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds the {@link ModelCatalog}'s aliases from the compacted {@code fleet.model-aliases.v1}, read
 * from the beginning by every replica: {@code /v1/models} lists an alias and chat requests naming it
 * are accepted moments after the admin API defined it, and refused again once its tombstone is read.
 * Readiness waits until the mirror is caught up.
 */
public final class ModelAliasFeed {

    private ModelAliasFeed() {
    }

    /** Registers the mirror; call while the context is built so it starts with {@link TopicMirrors}. */
    public static ModelCatalog feed(TopicMirrors mirrors, ModelCatalog catalog) {
        mirrors.fromBeginning(FleetTopics.MODEL_ALIASES, record -> catalog.applyAlias(record.key(),
                record.value() != null));
        return catalog;
    }
}
