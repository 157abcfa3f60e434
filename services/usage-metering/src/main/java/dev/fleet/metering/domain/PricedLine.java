package dev.fleet.metering.domain;

import java.math.BigDecimal;

import dev.fleet.events.v1.Meter;

/**
 * One priced line of a month: the month's whole quantity of a meter and model, its exact amount (the
 * sum over its days, each day priced with the book in force that day), and the unit price, {@code per},
 * book version and currency of the latest day a book priced.
 */
public record PricedLine(Meter meter, String model, long quantity, BigDecimal unitPrice, long per,
        int priceBookVersion, String currency, BigDecimal amount) {
}
