package dev.fleet.orchestrator.messaging;

import dev.fleet.orchestrator.domain.routing.AliasRegistry;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds an {@link AliasRegistry} from the compacted {@code fleet.model-aliases.v1}, read from its
 * beginning by every replica (not as a consumer group), so each replica routes by every alias and
 * sees a change moments after the admin API published it. The replica is not ready until the
 * mirror has caught up (the topicMirrors health component).
 */
public final class ModelAliasFeed {

    private ModelAliasFeed() {
    }

    /** Registers the mirror; call while the context is built so it starts with {@link TopicMirrors}. */
    public static AliasRegistry feed(TopicMirrors mirrors, AliasRegistry registry) {
        mirrors.fromBeginning(FleetTopics.MODEL_ALIASES, record -> registry.apply(record.key(), record.value()));
        return registry;
    }
}
