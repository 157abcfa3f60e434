package dev.fleet.gateway.messaging;

import java.util.HashMap;
import java.util.Map;

import dev.fleet.events.v1.AccessRefusals;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.domain.SecurityEvents;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Publishes refusal tallies as {@link AccessRefusals} domain events on {@code fleet.domain.events.v1},
 * keyed by tenant; the tally's event id is the event's, so a retried publish is recorded once.
 */
public final class KafkaSecurityEvents implements SecurityEvents {

    private final FleetPublisher publisher;
    private final String replica;

    public KafkaSecurityEvents(FleetPublisher publisher, String replica) {
        this.publisher = publisher;
        this.replica = replica;
    }

    @Override
    public Mono<Void> refusals(RefusalCounter.Tally tally) {
        return Mono.defer(() -> {
            Map<String, Long> counts = new HashMap<>(tally.counts());
            DomainEvent event = DomainEvent.newBuilder()
                    .setEventId(tally.eventId())
                    .setTenantId(tally.tenantId())
                    .setOccurredAt(tally.minuteStart())
                    .setActor(replica)
                    .setSubject("access/" + tally.minuteStart())
                    .setProducedBy(publisher.producedBy())
                    .setPayload(new AccessRefusals(tally.minuteStart(), replica, counts, tally.keyIds()))
                    .build();
            return publisher.send(FleetTopics.DOMAIN_EVENTS, tally.tenantId(), event,
                    EventContext.newEvent(tally.tenantId()).withEventId(tally.eventId())).then();
        });
    }
}
