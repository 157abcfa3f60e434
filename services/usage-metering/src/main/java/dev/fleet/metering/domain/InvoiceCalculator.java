package dev.fleet.metering.domain;

import dev.fleet.platform.billing.InvoiceMath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Price;
import dev.fleet.events.v1.PriceBook;

/**
 * Prices a month (or any range) of daily usage: each day's quantity of a meter and model at the price of
 * the book in force at the start of that UTC day (the admin API only accepts books that take effect at
 * midnight UTC, so this is exactly the book in force for every record of the day), summed exactly into
 * one {@link PricedLine} per meter and model ({@link InvoiceMath}).
 *
 * <p>Days before any book took effect, and meters a book has no price for (neither the model's own nor
 * {@code *}), add their quantity at no charge. A meter and model that no book priced on any day gives no
 * line (there is nothing to bill it in). Lines come sorted by meter, then model.
 */
public final class InvoiceCalculator {

    private InvoiceCalculator() {
    }

    public static List<PricedLine> price(List<DailyUsage> usage, PriceBooks books) {
        Map<String, Accumulator> lines = new TreeMap<>();
        usage.stream().sorted(Comparator.comparing(DailyUsage::day)).forEach(day -> lines
                .computeIfAbsent(day.meter().ordinal() + "/" + (day.model() == null ? "" : day.model()),
                        k -> new Accumulator(day.meter(), day.model()))
                .add(day, books.inForceAt(day.day())));
        List<PricedLine> priced = new ArrayList<>();
        lines.values().forEach(line -> line.result().ifPresent(priced::add));
        return priced;
    }

    /** The sum of {@code lines}' exact amounts. */
    public static BigDecimal total(List<PricedLine> lines) {
        return lines.stream().map(PricedLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static final class Accumulator {

        private final Meter meter;
        private final String model;
        private long quantity;
        private BigDecimal amount = BigDecimal.ZERO;
        private PriceBook lastBook;
        private Price lastPrice;

        Accumulator(Meter meter, String model) {
            this.meter = meter;
            this.model = model;
        }

        void add(DailyUsage day, Optional<PriceBook> book) {
            quantity = Math.addExact(quantity, day.quantity());
            if (book.isEmpty()) {
                return;
            }
            lastBook = book.get();
            lastPrice = PriceBooks.price(lastBook, meter, model).orElse(null);
            if (lastPrice != null) {
                amount = amount.add(InvoiceMath.amount(day.quantity(),
                        InvoiceMath.parse(lastPrice.getUnitPrice().getAmount()), lastPrice.getPer()));
            }
        }

        Optional<PricedLine> result() {
            if (lastBook == null) {
                return Optional.empty();
            }
            BigDecimal unitPrice = lastPrice == null ? BigDecimal.ZERO
                    : InvoiceMath.parse(lastPrice.getUnitPrice().getAmount());
            long per = lastPrice == null ? 1 : lastPrice.getPer();
            return Optional.of(new PricedLine(meter, model, quantity, unitPrice, per, lastBook.getVersion(),
                    lastBook.getCurrency(), amount));
        }
    }
}
