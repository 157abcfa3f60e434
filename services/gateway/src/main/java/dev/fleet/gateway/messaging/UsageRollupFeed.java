package dev.fleet.gateway.messaging;

import dev.fleet.gateway.domain.UsageLedger;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds a {@link UsageLedger} from the compacted {@code fleet.usage.rollups.v1}, read from the
 * beginning by every replica (each replica answers {@code GET /v1/usage} on its own; the gateway
 * never calls usage-metering). A record that cannot be decoded goes to the DLQ and the feed goes
 * on; a tombstone is ignored (rollups are never deleted, only compacted). Readiness waits until
 * the mirror has caught up, so a fresh replica does not answer with partial usage.
 */
public final class UsageRollupFeed {

    private UsageRollupFeed() {
    }

    /** Registers the mirror; call while the context is built so it starts with {@link TopicMirrors}. */
    public static UsageLedger feed(TopicMirrors mirrors, UsageLedger ledger) {
        mirrors.fromBeginning(FleetTopics.USAGE_ROLLUPS, record -> {
            if (record.value() != null) {
                ledger.apply(record.key(), record.value());
            }
        });
        return ledger;
    }
}
