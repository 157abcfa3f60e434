package dev.fleet.orchestrator.messaging;

import java.time.Clock;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.Price;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.events.v1.PriceBookPublished;
import dev.fleet.orchestrator.domain.billing.PriceBookEvents;
import dev.fleet.orchestrator.domain.billing.PriceBookVersion;
import dev.fleet.orchestrator.persistence.OutboxRepository;
import dev.fleet.orchestrator.persistence.OutboxRow;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;

/**
 * Announces a price book version through the outbox: the {@link PriceBook} on
 * {@code fleet.price-book.v1} (key: the zero-padded version) and a {@link PriceBookPublished} domain
 * event. The price book belongs to no tenant: both rows, and the event's {@code tenantId}, carry
 * {@link #PLATFORM_TENANT} (the nil UUID), so audit keeps the platform's changes in a chain of their own.
 * Amounts go out as {@code BigDecimal.toPlainString()}.
 */
@Component
public class PriceBookOutbox implements PriceBookEvents {

    /** The tenant id of platform-wide changes. */
    public static final UUID PLATFORM_TENANT = new UUID(0, 0);

    private final OutboxRepository outbox;
    private final FleetSerde serde;
    private final String producedBy;
    private final Clock clock;
    private final OutboxDelivery delivery;

    public PriceBookOutbox(OutboxRepository outbox, FleetSerde serde, FleetKafkaProperties kafka, Clock clock,
            OutboxDelivery delivery) {
        this.outbox = outbox;
        this.serde = serde;
        this.producedBy = kafka.service();
        this.clock = clock;
        this.delivery = delivery;
    }

    @Override
    public Mono<Void> priceBookPublished(PriceBookVersion version, String actor) {
        TraceParent trace = TraceParent.newRoot();
        PriceBook book = record(version);
        UUID eventId = UUID.randomUUID();
        DomainEvent event = DomainEvent.newBuilder()
                .setEventId(eventId.toString())
                .setTenantId(PLATFORM_TENANT.toString())
                .setOccurredAt(clock.instant())
                .setActor(actor)
                .setSubject("price-book/" + version.version())
                .setProducedBy(producedBy)
                .setPayload(new PriceBookPublished(book))
                .build();
        return Mono.defer(() -> outbox.append(new OutboxRow(0, UUID.randomUUID(), FleetTopics.PRICE_BOOK.name(),
                        version.key(), serde.serialize(FleetTopics.PRICE_BOOK.name(), book), PLATFORM_TENANT,
                        trace.child().toString())))
                .then(Mono.defer(() -> outbox.append(new OutboxRow(0, eventId, FleetTopics.DOMAIN_EVENTS.name(),
                        PLATFORM_TENANT.toString(), serde.serialize(FleetTopics.DOMAIN_EVENTS.name(), event),
                        PLATFORM_TENANT, trace.child().toString()))));
    }

    @Override
    public Mono<Void> deliver() {
        return delivery.deliverInTransaction();
    }

    static PriceBook record(PriceBookVersion version) {
        return PriceBook.newBuilder()
                .setVersion(version.version())
                .setEffectiveFrom(version.effectiveFrom())
                .setCurrency(version.currency())
                .setPrices(version.prices().stream().map(p -> new Price(p.model(), p.meter(),
                        new Money(p.unitPrice().toPlainString(), version.currency()), p.per())).toList())
                .setCreatedAt(version.createdAt())
                .build();
    }
}
