package dev.fleet.scorer.messaging;

import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.scorer.domain.CollectionRules;

/**
 * Feeds {@link CollectionRules} from the compacted {@code fleet.recommendation.rules.v1}, read from its
 * beginning by every replica (all partitions, not as a consumer group), so each replica applies every
 * collection's rules moments after the orchestrator published them. The replica is not ready until the
 * mirror has caught up (the topicMirrors health component), so it never answers with rules it has not read.
 */
public final class RecommendationRulesFeed {

    private RecommendationRulesFeed() {
    }

    /** Registers the mirror; call while the context is built so it starts with {@link TopicMirrors}. */
    public static CollectionRules feed(TopicMirrors mirrors, CollectionRules rules) {
        mirrors.fromBeginning(FleetTopics.RECOMMENDATION_RULES, record -> rules.apply(record.key(), record.value()));
        return rules;
    }
}
