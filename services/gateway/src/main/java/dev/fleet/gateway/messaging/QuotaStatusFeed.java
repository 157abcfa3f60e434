package dev.fleet.gateway.messaging;

import dev.fleet.gateway.domain.QuotaDirectory;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds a {@link QuotaDirectory} from the compacted {@code fleet.quota.status.v1}, read from the
 * beginning by every replica; readiness waits until it is caught up.
 */
public final class QuotaStatusFeed {

    private QuotaStatusFeed() {
    }

    /** Registers the mirror; call while the context is built so it starts with {@link TopicMirrors}. */
    public static QuotaDirectory feed(TopicMirrors mirrors, QuotaDirectory directory) {
        mirrors.fromBeginning(FleetTopics.QUOTA_STATUS, record -> directory.apply(record.key(), record.value()));
        return directory;
    }
}
