package dev.fleet.orchestrator.messaging;

import org.springframework.stereotype.Component;

import dev.fleet.orchestrator.domain.prompts.PromptRegistry;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds the {@link PromptRegistry} from the compacted {@code fleet.prompts.v1}, read from its
 * beginning by every replica (not as a consumer group), so each replica holds every prompt and sees
 * a label move moments after the admin API published it. The replica is not ready until the mirror
 * has caught up (the topicMirrors health component).
 */
@Component
public class PromptFeed {

    public PromptFeed(TopicMirrors mirrors, PromptRegistry registry) {
        mirrors.fromBeginning(FleetTopics.PROMPTS, record -> registry.apply(record.key(),
                record.value() == null ? null : PromptRecords.fromRecord(record.value())));
    }
}
