package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.fleet.events.v1.Interaction;

import reactor.core.publisher.Mono;

/**
 * Accepts what users did with the items of a tenant's collection as {@link Interaction}s; the scorer folds them
 * into the users' profiles asynchronously (decision 0039). An interaction without a time happened now.
 */
public final class CollectionInteractions {

    private final InteractionPublisher publisher;
    private final Clock clock;

    public CollectionInteractions(InteractionPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Publishes one event per report; emits how many were accepted. */
    public Mono<Integer> record(String tenantId, String collection, List<InteractionReport> reports) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            List<Interaction> events = reports.stream().map(report -> Interaction.newBuilder()
                    .setTenantId(tenantId)
                    .setCollection(collection)
                    .setUser(report.user())
                    .setItemId(report.itemId())
                    .setKind(report.kind())
                    .setWeight(report.weight())
                    .setOccurredAt(report.occurredAt() == null ? now : report.occurredAt())
                    .setMetadata(report.metadata())
                    .build()).toList();
            return publisher.publish(tenantId, collection, events).thenReturn(events.size());
        });
    }
}
