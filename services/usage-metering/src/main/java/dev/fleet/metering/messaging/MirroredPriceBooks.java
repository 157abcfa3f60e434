package dev.fleet.metering.messaging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.fleet.events.v1.PriceBook;
import dev.fleet.metering.domain.PriceBooks;
import dev.fleet.metering.domain.PublishedPriceBooks;
import dev.fleet.platform.kafka.MirroredRecord;

/** This replica's copy of {@code fleet.price-book.v1}, for the simulations' current prices. */
public class MirroredPriceBooks implements PublishedPriceBooks {

    private final ConcurrentMap<String, PriceBook> books = new ConcurrentHashMap<>();

    public void apply(MirroredRecord<PriceBook> record) {
        if (record.value() == null) {
            books.remove(record.key());
        } else {
            books.put(record.key(), record.value());
        }
    }

    @Override
    public PriceBooks current() {
        return PriceBooks.of(books.values());
    }
}
