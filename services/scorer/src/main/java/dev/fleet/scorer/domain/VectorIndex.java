package dev.fleet.scorer.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.ItemKey;

/**
 * Every tenant's collections of item vectors, in memory: tenant → collection → item id → (unit
 * vector, text, metadata). A search never leaves its (tenant, collection), so tenants cannot see each
 * other's items.
 * <p>
 * Thread-safe: writes (from the item-vectors mirror) are serialized; searches run lock-free on
 * concurrent maps and see each item either before or after a concurrent write, never half of it.
 * <p>
 * Limits: a search is a brute-force scan of its collection, O(items × dimensions) — fine for
 * collections of up to ~100k vectors of 384 floats (about 150 MB per 100k); beyond that, use an ANN
 * index (e.g. HNSW). The whole index lives on the heap of every replica and is rebuilt from the
 * compacted topic at start-up.
 */
public class VectorIndex {

    /** Worst first, so the heap's head is the hit to drop: lower score, then larger item id. */
    private static final Comparator<ScoredItem> WORST_FIRST = Comparator.comparingDouble(ScoredItem::getScore)
            .thenComparing(ScoredItem::getItemId, Comparator.reverseOrder());

    private final ConcurrentMap<String, ConcurrentMap<String, ConcurrentMap<String, IndexedItem>>> tenants =
            new ConcurrentHashMap<>();

    private record IndexedItem(String itemId, float[] unitVector, String text, Map<String, String> metadata) {
    }

    /** Adds the item or replaces its vector, text and metadata. */
    public synchronized void upsert(ItemKey key, List<Float> vector, String text, Map<String, String> metadata) {
        IndexedItem item = new IndexedItem(key.itemId(), Cosine.unit(floats(vector)), text, Map.copyOf(metadata));
        tenants.computeIfAbsent(key.tenantId(), t -> new ConcurrentHashMap<>())
                .computeIfAbsent(key.collection(), c -> new ConcurrentHashMap<>())
                .put(key.itemId(), item);
    }

    /** Removes the item; returns whether it was there. Empty collections and tenants disappear. */
    public synchronized boolean remove(ItemKey key) {
        ConcurrentMap<String, ConcurrentMap<String, IndexedItem>> collections = tenants.get(key.tenantId());
        if (collections == null) {
            return false;
        }
        ConcurrentMap<String, IndexedItem> items = collections.get(key.collection());
        boolean removed = items != null && items.remove(key.itemId()) != null;
        if (items != null && items.isEmpty()) {
            collections.remove(key.collection());
        }
        if (collections.isEmpty()) {
            tenants.remove(key.tenantId());
        }
        return removed;
    }

    /** Items in a tenant's collection (0 for an unknown one). */
    public int size(String tenantId, String collection) {
        Map<String, IndexedItem> items = items(tenantId, collection);
        return items == null ? 0 : items.size();
    }

    /**
     * The {@code topK} items of the tenant's collection most similar to {@code query} (cosine), best
     * first, ties by item id. An unknown or empty collection has no hits. Items whose vectors have
     * another length than the query's are not compared.
     *
     * @throws DimensionMismatchException if the collection has items but none of the query's length
     */
    public List<ScoredItem> search(String tenantId, String collection, List<Float> query, int topK) {
        Map<String, IndexedItem> items = items(tenantId, collection);
        if (items == null || items.isEmpty() || topK <= 0) {
            return List.of();
        }
        float[] unitQuery = Cosine.unit(floats(query));
        PriorityQueue<ScoredItem> best = new PriorityQueue<>(topK + 1, WORST_FIRST);
        int compared = 0;
        int otherDimension = -1;
        for (IndexedItem item : items.values()) {
            if (item.unitVector().length != unitQuery.length) {
                otherDimension = item.unitVector().length;
                continue;
            }
            compared++;
            best.offer(new ScoredItem(item.itemId(), Cosine.ofUnitVectors(unitQuery, item.unitVector()), item.text(),
                    item.metadata()));
            if (best.size() > topK) {
                best.poll();
            }
        }
        if (compared == 0 && otherDimension >= 0) {
            throw new DimensionMismatchException(query.size(), otherDimension);
        }
        List<ScoredItem> hits = new ArrayList<>(best);
        hits.sort(WORST_FIRST.reversed());
        return hits;
    }

    private Map<String, IndexedItem> items(String tenantId, String collection) {
        Map<String, ConcurrentMap<String, IndexedItem>> collections = tenants.get(tenantId);
        return collections == null ? null : collections.get(collection);
    }

    private static float[] floats(List<Float> values) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }
}
