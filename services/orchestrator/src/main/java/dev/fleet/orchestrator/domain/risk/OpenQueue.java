package dev.fleet.orchestrator.domain.risk;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant's queue of cases awaiting a decision: how many are open, how many of those are escalated
 * (past their SLA), and when the oldest of them was opened.
 */
public record OpenQueue(UUID tenantId, long waiting, long escalated, Instant oldestOpenedAt) {
}
