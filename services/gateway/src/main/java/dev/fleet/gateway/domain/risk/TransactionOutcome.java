package dev.fleet.gateway.domain.risk;

import dev.fleet.events.v1.RiskDecision;

/** What a submitted transaction came to by the time the request answers. */
public sealed interface TransactionOutcome {

    /** The transaction's id. */
    String transactionId();

    /** Published; the caller did not ask to wait. */
    record Accepted(String transactionId) implements TransactionOutcome {
    }

    /** Published, but no decision arrived within the wait (or no wait could be registered). */
    record Pending(String transactionId) implements TransactionOutcome {
    }

    /** Published and decided. */
    record Decided(String transactionId, RiskDecision decision) implements TransactionOutcome {
    }
}
