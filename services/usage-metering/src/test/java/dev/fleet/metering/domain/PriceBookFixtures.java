package dev.fleet.metering.domain;

import java.time.Instant;
import java.util.List;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.Price;
import dev.fleet.events.v1.PriceBook;

/** Price books for tests. */
public final class PriceBookFixtures {

    private PriceBookFixtures() {
    }

    public static PriceBook book(int version, String effectiveFrom, Price... prices) {
        return PriceBook.newBuilder().setVersion(version).setEffectiveFrom(Instant.parse(effectiveFrom))
                .setCurrency("USD").setPrices(List.of(prices)).setCreatedAt(Instant.parse(effectiveFrom)).build();
    }

    public static Price price(String model, Meter meter, String unitPrice, long per) {
        return new Price(model, meter, new Money(unitPrice, "USD"), per);
    }

    public static String key(int version) {
        return String.format("%010d", version);
    }
}
