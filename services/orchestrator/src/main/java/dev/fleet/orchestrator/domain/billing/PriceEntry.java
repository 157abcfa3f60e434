package dev.fleet.orchestrator.domain.billing;

import java.math.BigDecimal;
import java.util.Objects;

import dev.fleet.events.v1.Meter;

/** The price of {@code per} units of one meter of one model ({@code *}: every model without its own price). */
public record PriceEntry(String model, Meter meter, BigDecimal unitPrice, long per) {

    public PriceEntry {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(unitPrice, "unitPrice");
    }
}
