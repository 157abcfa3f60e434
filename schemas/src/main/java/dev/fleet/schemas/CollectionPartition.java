package dev.fleet.schemas;

import java.nio.charset.StandardCharsets;

/**
 * Where a collection lives: the partition of {@code fleet.item-vectors.v1} that holds every item of a
 * (tenant, collection), and the partition of {@code fleet.score.requests.v1} with the same number that
 * carries its searches (co-partitioning, decision 0034). It is the partition Kafka's default partitioner
 * gives the key {@code tenantId/collection} (murmur2 of its UTF-8 bytes, made positive, modulo the
 * partition count), so a producer in any language can compute it. Both topics must keep equal partition
 * counts; changing them re-homes collections.
 */
public final class CollectionPartition {

    private CollectionPartition() {
    }

    /** The partition, out of {@code partitions}, of {@code tenantId}'s {@code collection}. */
    public static int of(String tenantId, String collection, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        byte[] key = (tenantId + "/" + collection).getBytes(StandardCharsets.UTF_8);
        return (murmur2(key) & 0x7fffffff) % partitions;
    }

    /** The partition of the collection {@code key}'s item belongs to, out of {@code partitions}. */
    public static int of(ItemKey key, int partitions) {
        return of(key.tenantId(), key.collection(), partitions);
    }

    /** The 32-bit murmur2 hash, seeded as Kafka's producer seeds it. */
    static int murmur2(byte[] data) {
        int length = data.length;
        int seed = 0x9747b28c;
        int m = 0x5bd1e995;
        int r = 24;
        int h = seed ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = length4 * 4;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
