package dev.fleet.gateway.messaging;

import dev.fleet.events.v1.RiskDecision;
import dev.fleet.gateway.domain.risk.RiskDecisionWaits;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.platform.kafka.TopicTail;
import dev.fleet.schemas.FleetTopics;

/**
 * Feeds {@link RiskDecisionWaits} from {@code fleet.risk.decisions.v1}: every replica follows every
 * partition from its end, outside any consumer group (the scorer keys decisions by account for
 * their other consumers and cannot address the replica that waits), and decodes only the records
 * of accounts it awaits a decision of. Unreadable records are skipped and counted, never waited on.
 */
public final class RiskDecisionFeed {

    private RiskDecisionFeed() {
    }

    /** Starts following the decisions for {@code waits} with {@code mirrors}' lifecycle. */
    public static TopicTail<RiskDecision> feed(TopicMirrors mirrors, RiskDecisionWaits waits) {
        return mirrors.fromEnd(FleetTopics.RISK_DECISIONS, waits::awaits, record -> {
            if (record.value() != null) {
                waits.accept(record.value());
            }
        });
    }
}
