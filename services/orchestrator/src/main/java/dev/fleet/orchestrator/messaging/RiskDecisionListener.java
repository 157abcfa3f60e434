package dev.fleet.orchestrator.messaging;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

import dev.fleet.events.v1.RiskDecision;
import dev.fleet.orchestrator.domain.risk.RiskCases;

/**
 * Opens a review case for each REVIEW decision on {@code fleet.risk.decisions.v1}, in a consumer
 * group of its own ({@code FLEET_RISK_CASES_GROUP}, by default {@value #GROUP}), so it neither shares
 * offsets with nor slows the chat consumers.
 * The case and its event are written in one transaction, idempotently (a redelivered decision opens
 * nothing), before the offset is committed; other verdicts are skipped.
 * <p>
 * Errors: the fleet's policy — a record that does not decode, a tombstone, or a decision whose tenant
 * id is not a UUID is retried and dead-lettered to {@code fleet.risk.decisions.v1.dlq}; a database
 * outage is retried for as long as it lasts.
 */
public class RiskDecisionListener {

    /** The listener container's id and its default consumer group. */
    public static final String GROUP = "orchestrator-risk-cases";

    private final RiskCases cases;
    private final Duration writeTimeout;

    public RiskDecisionListener(RiskCases cases, Duration writeTimeout) {
        this.cases = cases;
        this.writeTimeout = writeTimeout;
    }

    @KafkaListener(id = GROUP, groupId = "${fleet.orchestrator.risk.cases-group:" + GROUP + "}",
            topics = "#{T(dev.fleet.schemas.FleetTopics).RISK_DECISIONS.name()}")
    void on(ConsumerRecord<String, RiskDecision> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("a risk decision without a value (tombstone), key " + record.key());
        }
        cases.open(record.value()).block(writeTimeout);
    }
}
