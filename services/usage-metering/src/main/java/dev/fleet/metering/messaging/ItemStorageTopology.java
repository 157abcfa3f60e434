package dev.fleet.metering.messaging;

import java.time.Instant;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemStorage;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.streams.OutputHeaders;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.ItemKey;
import dev.fleet.schemas.ItemSize;

/**
 * What each tenant stores, counted exactly from the source of truth: {@code fleet.items.v1} read as a
 * table of item sizes ({@link #ITEM_SIZES_STORE}, key {@code tenantId/collection/itemId}, value
 * {@link ItemSize} of the item's latest upsert; an {@code ItemDeleted} or a tombstone removes the item),
 * re-grouped by tenant and added up into {@link #STORE}, whose changes are written to the compacted
 * {@code fleet.item-storage.v1} ({@link ItemStorage}, key tenantId). An upsert of an item that exists
 * replaces its size (Kafka Streams subtracts the old size and adds the new one in one step, KIP-904);
 * deleting an item that does not exist changes nothing. Runs exactly-once with the rest of metering, so
 * an item is never counted twice after a crash.
 *
 * <p>Limits: the table holds one entry per stored item (in RocksDB and its changelog, not on the heap).
 * A record whose key is not an item key is skipped by the processing exception handler. Totals are
 * written when the record cache flushes (each commit, {@code FLEET_METERING_COMMIT_INTERVAL}), so a
 * consumer sees them that long after the item change.
 */
public final class ItemStorageTopology {

    /** Each stored item's size, key {@code tenantId/collection/itemId}. */
    public static final String ITEM_SIZES_STORE = "item-sizes";

    /** Each tenant's items and bytes, key tenantId, for interactive queries. */
    public static final String STORE = "item-storage";

    private ItemStorageTopology() {
    }

    /** The topology on its own (tests, tools). */
    public static Topology buildTopology(FleetSerde serde, String producedBy) {
        StreamsBuilder builder = new StreamsBuilder();
        define(builder, serde, producedBy);
        return builder.build();
    }

    /** Adds the item counting to {@code builder}, which may be Spring's (next to {@link UsageTopology}). */
    public static void define(StreamsBuilder builder, FleetSerde serde, String producedBy) {
        if (producedBy == null || producedBy.isBlank()) {
            throw new IllegalArgumentException("producedBy must name the producing service");
        }
        builder.stream(FleetTopics.ITEMS.name(), Consumed.with(Serdes.String(), serde.serde(FleetTopics.ITEMS))
                        .withName("items"))
                .mapValues(ItemStorageTopology::sizeOrRemoved, Named.as("item-size"))
                .toTable(Named.as("item-sizes-table"),
                        Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(ITEM_SIZES_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .groupBy((itemKey, size) -> KeyValue.pair(ItemKey.parse(itemKey).tenantId(), size),
                        Grouped.with("items-by-tenant", Serdes.String(), Serdes.Long()))
                .aggregate(() -> new ItemStorage("", 0L, 0L, Instant.EPOCH),
                        (tenantId, size, total) -> new ItemStorage(tenantId, total.getItems() + 1,
                                Math.addExact(total.getBytes(), size), Instant.EPOCH),
                        (tenantId, size, total) -> new ItemStorage(tenantId, total.getItems() - 1,
                                total.getBytes() - size, Instant.EPOCH),
                        Named.as("add-up-items"),
                        Materialized.<String, ItemStorage, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(serde.serde(FleetTopics.ITEM_STORAGE)))
                .toStream(Named.as("item-storage-changes"))
                .processValues(() -> new Stamp(producedBy), Named.as("stamp-item-storage"))
                .to(FleetTopics.ITEM_STORAGE.name(), Produced.with(Serdes.String(),
                        serde.serde(FleetTopics.ITEM_STORAGE)).withName("item-storage"));
    }

    /** The item's size after the change; null (the item is gone) for a deletion or a tombstone. */
    static Long sizeOrRemoved(ItemEvent event) {
        return event != null && event.getChange() instanceof ItemUpserted upserted ? ItemSize.of(upserted) : null;
    }

    /**
     * Dates a total by the latest change counted in it (the record's timestamp) and gives it the fleet's
     * headers, with an event id derived from what it says.
     */
    private static final class Stamp implements FixedKeyProcessor<String, ItemStorage, ItemStorage> {

        private final String producedBy;
        private FixedKeyProcessorContext<String, ItemStorage> context;

        Stamp(String producedBy) {
            this.producedBy = producedBy;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, ItemStorage> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, ItemStorage> record) {
            ItemStorage total = record.value();
            if (total == null) {
                return;
            }
            ItemStorage stamped = new ItemStorage(record.key(), total.getItems(), total.getBytes(),
                    Instant.ofEpochMilli(record.timestamp()));
            String identity = "item-storage/" + record.key() + "/" + stamped.getItems() + "/" + stamped.getBytes()
                    + "/" + record.timestamp();
            context.forward(record.withValue(stamped)
                    .withHeaders(OutputHeaders.of(identity, record.key(), record.headers(), producedBy)));
        }
    }
}
