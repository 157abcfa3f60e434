package dev.fleet.scorer.messaging;

import dev.fleet.events.v1.ItemVector;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.ItemKey;
import dev.fleet.scorer.domain.VectorIndex;

/**
 * Applies one record of {@code fleet.item-vectors.v1} to the {@link VectorIndex}: an {@code ItemVector} adds
 * or replaces its item, a tombstone removes it. Refuses (throws, so the caller dead-letters it) a key that does
 * not parse, a value naming another item than its key (one bad producer must not write into another tenant's
 * collection), and a record on another partition than its collection's (decision 0034: no search would see it).
 */
class ItemVectorRecords {

    private final VectorIndex index;
    private final int partitions;

    ItemVectorRecords(VectorIndex index, int partitions) {
        this.index = index;
        this.partitions = partitions;
    }

    /** Applies {@code vector} ({@code null}: a tombstone) keyed {@code rawKey}, read from {@code partition}. */
    void apply(String rawKey, int partition, ItemVector vector) {
        ItemKey key = ItemKey.parse(rawKey);
        int home = CollectionPartition.of(key, partitions);
        if (home != partition) {
            throw new IllegalArgumentException("item '" + key + "' is on partition " + partition
                    + " but its collection's partition is " + home + " (decision 0034); searches cannot see it");
        }
        if (vector == null) {
            index.remove(key);
            return;
        }
        ItemKey named = ItemKey.of(vector);
        if (!named.equals(key)) {
            throw new IllegalArgumentException("record key '" + key + "' does not match its item '" + named + "'");
        }
        index.upsert(key, vector.getVector(), vector.getText(), vector.getMetadata());
    }
}
