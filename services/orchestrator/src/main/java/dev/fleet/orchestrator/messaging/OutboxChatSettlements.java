package dev.fleet.orchestrator.messaging;

import java.util.UUID;

import org.springframework.transaction.reactive.TransactionalOperator;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.orchestrator.domain.ChatOutcome;
import dev.fleet.orchestrator.domain.ChatSettlement;
import dev.fleet.orchestrator.domain.ProcessedRequests;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.orchestrator.persistence.R2dbcProcessedRequests;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Settles chat requests with the outbox (decision 0051): the "answered" mark and one outbox row per
 * usage record and closing event, in one PostgreSQL transaction; the relay publishes the rows after
 * the commit. A request redelivered after its settlement committed finds the mark and is skipped, so
 * its usage is never produced twice and its model never called again; one that crashed before the
 * commit left nothing and is answered anew. The rows keep the request's trace (a child span each)
 * and the records' event ids, derived from the request.
 * <p>
 * Limit: tenant ids must be UUIDs (the outbox's {@code tenant_id}), as every tenant's is.
 */
public class OutboxChatSettlements implements ProcessedRequests {

    private final R2dbcProcessedRequests marks;
    private final OutboxRepository outbox;
    private final TransactionalOperator transaction;
    private final FleetSerde serde;

    public OutboxChatSettlements(R2dbcProcessedRequests marks, OutboxRepository outbox,
            TransactionalOperator transaction, FleetSerde serde) {
        this.marks = marks;
        this.outbox = outbox;
        this.transaction = transaction;
        this.serde = serde;
    }

    @Override
    public Mono<Boolean> isCompleted(String requestId) {
        return marks.isCompleted(requestId);
    }

    @Override
    public Mono<Boolean> settle(ChatRequested request, ChatOutcome outcome, ChatSettlement settlement) {
        return marks.mark(request, outcome)
                .flatMap(first -> first ? rows(request, settlement).thenReturn(true) : Mono.just(false))
                .as(transaction::transactional);
    }

    private Mono<Void> rows(ChatRequested request, ChatSettlement settlement) {
        return Mono.defer(() -> {
            UUID tenantId = UUID.fromString(request.getTenantId());
            TraceParent trace = TraceParent.parse(settlement.traceparent()).orElseGet(TraceParent::newRoot);
            Flux<OutboxRow> usage = Flux.fromIterable(settlement.usageRecords()).map(u -> new OutboxRow(0,
                    UUID.fromString(u.eventId()), FleetTopics.USAGE.name(), u.usage().getTenantId(),
                    serde.serialize(FleetTopics.USAGE.name(), u.usage()), tenantId, trace.child().toString()));
            Flux<OutboxRow> events = Flux.fromIterable(settlement.events()).map((DomainEvent e) -> new OutboxRow(0,
                    UUID.fromString(e.getEventId()), FleetTopics.DOMAIN_EVENTS.name(), e.getTenantId(),
                    serde.serialize(FleetTopics.DOMAIN_EVENTS.name(), e), tenantId, trace.child().toString()));
            return usage.concatWith(events).concatMap(outbox::append).then();
        });
    }
}
