package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.util.UUID;

import org.springframework.transaction.reactive.TransactionalOperator;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.orchestrator.domain.ArmAssignment;
import dev.fleet.orchestrator.domain.DomainEvents;
import dev.fleet.orchestrator.domain.routing.ExperimentAssignments;
import dev.fleet.orchestrator.domain.routing.ExperimentEvents;
import dev.fleet.orchestrator.persistence.ExperimentAssignmentRepository;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Records first assignments with the outbox: the assignment row and, only when it was inserted
 * now, the {@code ExperimentAssigned} event go in one transaction; the relay publishes the event
 * after the commit. The event id is derived from (tenant, alias, experiment, user), so there is one
 * per user and experiment however often requests are replayed or race on two replicas.
 */
public class OutboxExperimentAssignments implements ExperimentAssignments {

    private final ExperimentAssignmentRepository assignments;
    private final OutboxRepository outbox;
    private final TransactionalOperator transaction;
    private final FleetSerde serde;
    private final Clock clock;
    private final String producedBy;

    public OutboxExperimentAssignments(ExperimentAssignmentRepository assignments, OutboxRepository outbox,
            TransactionalOperator transaction, FleetSerde serde, Clock clock, String producedBy) {
        this.assignments = assignments;
        this.outbox = outbox;
        this.transaction = transaction;
        this.serde = serde;
        this.clock = clock;
        this.producedBy = producedBy;
    }

    @Override
    public Mono<Boolean> recordFirst(ChatRequested request, ArmAssignment arm) {
        return assignments.insertFirst(request.getTenantId(), arm, request.getRequestId(), clock.instant())
                .flatMap(first -> first ? announce(request, arm).thenReturn(true) : Mono.just(false))
                .as(transaction::transactional);
    }

    private Mono<Void> announce(ChatRequested request, ArmAssignment arm) {
        return Mono.defer(() -> {
            String eventId = ExperimentEvents.assignedEventId(request.getTenantId(), arm);
            DomainEvent event = DomainEvents.of(clock, producedBy, request.getTenantId(), eventId,
                    ExperimentEvents.subject(arm), ExperimentEvents.assigned(request, arm));
            return outbox.append(new OutboxRow(0, UUID.fromString(eventId), FleetTopics.DOMAIN_EVENTS.name(),
                    request.getTenantId(), serde.serialize(FleetTopics.DOMAIN_EVENTS.name(), event),
                    UUID.fromString(request.getTenantId()), TraceParent.newRoot().toString()));
        });
    }
}
