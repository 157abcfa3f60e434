package dev.fleet.orchestrator.domain.billing;

import java.time.Instant;
import java.util.List;

/** One published version of the price book; {@code version} 0 for one not yet numbered. */
public record PriceBookVersion(int version, Instant effectiveFrom, String currency, List<PriceEntry> prices,
        Instant createdAt) {

    public PriceBookVersion {
        prices = List.copyOf(prices);
    }

    /** The key of {@code fleet.price-book.v1}: the version, zero-padded so keys sort like versions. */
    public String key() {
        return String.format("%010d", version);
    }

    PriceBookVersion numbered(int number, Instant now) {
        return new PriceBookVersion(number, effectiveFrom, currency, prices, now);
    }
}
