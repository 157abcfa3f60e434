package dev.fleet.orchestrator.domain.billing;

import java.time.Clock;
import java.util.Optional;

import org.springframework.transaction.annotation.Transactional;

import dev.fleet.orchestrator.domain.Actors;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The price book as versioned config: a new version is numbered (the latest + 1, under a lock), checked
 * against the latest ({@link PriceBookRules}), stored, and its {@code fleet.price-book.v1} record and
 * domain event written in the same transaction; the record is acknowledged by Kafka before the commit
 * ({@link PriceBookEvents#deliver()}), so the answer means usage-metering can see it. Versions are never
 * changed or deleted.
 */
public class PriceBookAdmin {

    private final PriceBookStore store;
    private final PriceBookEvents events;
    private final Clock clock;

    public PriceBookAdmin(PriceBookStore store, PriceBookEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** Publishes {@code draft} as the next version; {@link PriceBookRules.InvalidPriceBookException} if it breaks a rule. */
    @Transactional
    public Mono<PriceBookVersion> publish(PriceBookVersion draft) {
        return store.lockVersions()
                .then(store.latest().map(Optional::of).defaultIfEmpty(Optional.empty()))
                .flatMap(latest -> {
                    PriceBookRules.check(draft, latest);
                    PriceBookVersion version = draft.numbered(latest.map(PriceBookVersion::version).orElse(0) + 1,
                            clock.instant());
                    return store.insert(version)
                            .then(Actors.current().flatMap(actor -> events.priceBookPublished(version, actor)))
                            .then(events.deliver())
                            .thenReturn(version);
                });
    }

    public Flux<PriceBookVersion> versions() {
        return store.all();
    }

    public Mono<PriceBookVersion> version(int version) {
        return store.find(version);
    }
}
