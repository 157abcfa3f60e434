package dev.fleet.gateway.messaging;

import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.gateway.domain.risk.RiskDecisionWaits;
import dev.fleet.gateway.domain.risk.TransactionPublisher;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Publishes transactions on {@code fleet.transactions.v1}, keyed {@code tenantId/accountId} so each
 * account's transactions stay in order. The event id is derived from the tenant and transaction id:
 * a client that retries a transaction (after a 503 or a lost answer) publishes the same event, which
 * consumers that dedupe on {@code event-id} count once.
 */
public class KafkaTransactionPublisher implements TransactionPublisher {

    /** The purpose that, with tenant and transaction id, derives a submission's event id. */
    static final String PURPOSE = "transaction-submitted";

    private final FleetPublisher publisher;

    public KafkaTransactionPublisher(FleetPublisher publisher) {
        this.publisher = publisher;
    }

    /** The event id of the submission of {@code transactionId} by {@code tenantId}. */
    public static String eventId(String tenantId, String transactionId) {
        return EventContext.derivedId(tenantId + "/" + transactionId, PURPOSE);
    }

    @Override
    public Mono<Void> publish(TransactionSubmitted transaction) {
        return Mono.defer(() -> {
            EventContext context = EventContext.newEvent(transaction.getTenantId())
                    .withEventId(eventId(transaction.getTenantId(), transaction.getTransactionId()));
            String key = RiskDecisionWaits.accountKey(transaction.getTenantId(), transaction.getAccountId());
            return Acknowledgements.of("transaction " + transaction.getTransactionId(),
                    publisher.send(FleetTopics.TRANSACTIONS, key, transaction, context));
        });
    }
}
