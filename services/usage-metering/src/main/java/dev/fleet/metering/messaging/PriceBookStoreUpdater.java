package dev.fleet.metering.messaging;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.fleet.events.v1.PriceBook;

/**
 * Keeps the global {@link UsageTopology#PRICE_BOOK_STORE} equal to {@code fleet.price-book.v1}: every
 * version under its key, a tombstone removes one. Every task of every replica sees the same books.
 */
final class PriceBookStoreUpdater implements Processor<String, PriceBook, Void, Void> {

    private KeyValueStore<String, PriceBook> books;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        books = context.getStateStore(UsageTopology.PRICE_BOOK_STORE);
    }

    @Override
    public void process(Record<String, PriceBook> record) {
        if (record.value() == null) {
            books.delete(record.key());
        } else {
            books.put(record.key(), record.value());
        }
    }
}
