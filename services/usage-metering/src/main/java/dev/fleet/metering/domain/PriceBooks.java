package dev.fleet.metering.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Price;
import dev.fleet.events.v1.PriceBook;

/**
 * The versions of the price book known, and which one is in force: at an instant, the highest version
 * whose {@code effectiveFrom} is not after it (a later version with an earlier date cannot exist: the
 * admin API refuses it, but the rule decides by version either way). Within a book, a meter's price for
 * a model is the model's own entry, else the {@code *} entry of that meter.
 */
public record PriceBooks(List<PriceBook> versions) {

    public static final String ANY_MODEL = "*";

    public PriceBooks {
        versions = versions.stream().sorted(Comparator.comparingInt(PriceBook::getVersion)).toList();
    }

    public static PriceBooks of(Collection<PriceBook> versions) {
        return new PriceBooks(List.copyOf(versions));
    }

    public static PriceBooks none() {
        return new PriceBooks(List.of());
    }

    /** The book in force at {@code instant}, if any version was. */
    public Optional<PriceBook> inForceAt(Instant instant) {
        PriceBook found = null;
        for (PriceBook book : versions) {
            if (!book.getEffectiveFrom().isAfter(instant)) {
                found = book;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The price of {@code meter} for {@code model} (null: usage without a model) in {@code book}. */
    public static Optional<Price> price(PriceBook book, Meter meter, String model) {
        Price fallback = null;
        for (Price price : book.getPrices()) {
            if (price.getMeter() != meter) {
                continue;
            }
            if (model != null && model.equals(price.getModel())) {
                return Optional.of(price);
            }
            if (ANY_MODEL.equals(price.getModel())) {
                fallback = price;
            }
        }
        return Optional.ofNullable(fallback);
    }

    /** The currency of the latest version, if any. */
    public Optional<String> currency() {
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1).getCurrency());
    }
}
