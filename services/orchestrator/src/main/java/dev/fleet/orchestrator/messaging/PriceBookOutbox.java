package dev.fleet.orchestrator.messaging;

import org.springframework.stereotype.Component;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.Price;
import dev.fleet.events.v1.PriceBook;
import dev.fleet.orchestrator.domain.billing.PriceBookEvents;
import dev.fleet.orchestrator.domain.billing.PriceBookVersion;

import reactor.core.publisher.Mono;

/**
 * Announces a price book version through the outbox ({@link OutboxEventWriter#priceBookPublished}): the
 * {@link PriceBook} on {@code fleet.price-book.v1} (key: the zero-padded version) and a
 * {@code PriceBookPublished} domain event, both under {@link OutboxEventWriter#PLATFORM_TENANT}, so audit
 * keeps the platform's changes in a chain of their own. Amounts go out as {@code BigDecimal.toPlainString()}.
 */
@Component
public class PriceBookOutbox implements PriceBookEvents {

    private final OutboxEventWriter writer;
    private final OutboxDelivery delivery;

    public PriceBookOutbox(OutboxEventWriter writer, OutboxDelivery delivery) {
        this.writer = writer;
        this.delivery = delivery;
    }

    @Override
    public Mono<Void> priceBookPublished(PriceBookVersion version, String actor) {
        return writer.priceBookPublished(version.key(), record(version), actor);
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
