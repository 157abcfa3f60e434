package dev.fleet.scorer.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiPredicate;
import java.util.function.Function;

import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.ItemKey;
import dev.fleet.scorer.domain.kernel.DotProduct;
import dev.fleet.scorer.domain.kernel.DotProducts;

/**
 * Every tenant's collections of item vectors, in memory: (tenant, collection) → one {@link VectorBlock}
 * per vector dimension (normally one), holding unit vectors normalized once at ingest, so cosine
 * similarity is one dot product ({@link DotProduct}, SIMD where the JVM allows). A search never leaves
 * its (tenant, collection), so tenants cannot see each other's items.
 * <p>
 * Thread-safe: writes (from the item-vectors mirror) take their collection's write lock, searches its
 * read lock, so a search sees each item either before or after a concurrent write, never half of it.
 * <p>
 * Limits: a search is an exact brute-force scan, O(items × dimensions), bounded by memory bandwidth
 * (see {@code docs/benchmarks.md}); a replica's index holds the collections of the item-vectors partitions
 * assigned to it (about 1.6 kB per 384-d item plus its id, text and metadata), rebuilt from the compacted
 * topic when a partition is assigned (decision 0034).
 */
public class VectorIndex {

    private final DotProduct kernel;
    private final ConcurrentMap<CollectionKey, Collection> collections = new ConcurrentHashMap<>();

    private record CollectionKey(String tenantId, String collection) {
    }

    /** One collection's blocks, by dimension, behind one lock. */
    private static final class Collection {
        final ReadWriteLock lock = new ReentrantReadWriteLock();
        final List<VectorBlock> blocks = new ArrayList<>(1);

        VectorBlock block(int dimension) {
            for (VectorBlock block : blocks) {
                if (block.dimension() == dimension) {
                    return block;
                }
            }
            return null;
        }

        int size() {
            int size = 0;
            for (VectorBlock block : blocks) {
                size += block.size();
            }
            return size;
        }
    }

    /** An index scoring with the best kernel this JVM offers. */
    public VectorIndex() {
        this(DotProducts.best());
    }

    public VectorIndex(DotProduct kernel) {
        this.kernel = kernel;
    }

    /** The kernel searches use. */
    public DotProduct kernel() {
        return kernel;
    }

    /** Adds the item or replaces its vector, text and metadata. */
    public void upsert(ItemKey key, List<Float> vector, String text, Map<String, String> metadata) {
        upsert(key, floats(vector), text, metadata);
    }

    /** Adds the item or replaces it; {@code vector} is normalized here (any length but 0 is fine). */
    public synchronized void upsert(ItemKey key, float[] vector, String text, Map<String, String> metadata) {
        float[] unit = Cosine.unit(vector);
        Map<String, String> compactMetadata = metadata.isEmpty() ? Map.of() : Map.copyOf(metadata);
        Collection collection = collections.computeIfAbsent(new CollectionKey(key.tenantId(), key.collection()),
                k -> new Collection());
        collection.lock.writeLock().lock();
        try {
            VectorBlock block = collection.block(unit.length);
            for (VectorBlock other : collection.blocks) {
                if (other != block) {
                    other.remove(key.itemId()); // the item changed dimension (e.g. another model)
                }
            }
            collection.blocks.removeIf(b -> b.size() == 0);
            if (block == null) {
                block = new VectorBlock(unit.length);
                collection.blocks.add(block);
            }
            block.upsert(key.itemId(), unit, text, compactMetadata);
        } finally {
            collection.lock.writeLock().unlock();
        }
    }

    /** Removes the item; returns whether it was there. Empty collections disappear. */
    public synchronized boolean remove(ItemKey key) {
        CollectionKey collectionKey = new CollectionKey(key.tenantId(), key.collection());
        Collection collection = collections.get(collectionKey);
        if (collection == null) {
            return false;
        }
        collection.lock.writeLock().lock();
        try {
            boolean removed = false;
            for (VectorBlock block : collection.blocks) {
                removed |= block.remove(key.itemId());
            }
            collection.blocks.removeIf(b -> b.size() == 0);
            if (collection.blocks.isEmpty()) {
                collections.remove(collectionKey);
            }
            return removed;
        } finally {
            collection.lock.writeLock().unlock();
        }
    }

    /**
     * Drops every collection {@code which} selects (by tenant and collection name), e.g. those of an
     * item-vectors partition this replica no longer holds; returns how many items went.
     */
    public synchronized int removeCollections(BiPredicate<String, String> which) {
        int removed = 0;
        for (CollectionKey key : List.copyOf(collections.keySet())) {
            if (!which.test(key.tenantId(), key.collection())) {
                continue;
            }
            Collection collection = collections.remove(key);
            collection.lock.writeLock().lock(); // waits for scans still running on it
            try {
                removed += collection.size();
            } finally {
                collection.lock.writeLock().unlock();
            }
        }
        return removed;
    }

    /** Items in every collection this index holds. */
    public int size() {
        int size = 0;
        for (Collection c : collections.values()) {
            c.lock.readLock().lock();
            try {
                size += c.size();
            } finally {
                c.lock.readLock().unlock();
            }
        }
        return size;
    }

    /** Items in a tenant's collection (0 for an unknown one). */
    public int size(String tenantId, String collection) {
        Collection c = collections.get(new CollectionKey(tenantId, collection));
        if (c == null) {
            return 0;
        }
        c.lock.readLock().lock();
        try {
            return c.size();
        } finally {
            c.lock.readLock().unlock();
        }
    }

    /**
     * Heap bytes of a collection (see {@link VectorBlock#approximateBytes()}); for the memory-per-item
     * figure.
     */
    public long approximateBytes(String tenantId, String collection) {
        Collection c = collections.get(new CollectionKey(tenantId, collection));
        if (c == null) {
            return 0;
        }
        c.lock.readLock().lock();
        try {
            long bytes = 0;
            for (VectorBlock block : c.blocks) {
                bytes += block.approximateBytes();
            }
            return bytes;
        } finally {
            c.lock.readLock().unlock();
        }
    }

    /** {@link #search(String, String, float[], int, MetadataFilter)} without a filter. */
    public List<ScoredItem> search(String tenantId, String collection, List<Float> query, int topK) {
        return search(tenantId, collection, floats(query), topK, MetadataFilter.NONE);
    }

    /**
     * The {@code topK} items of the tenant's collection that pass {@code filter}, most similar to
     * {@code query} (cosine) first, ties by item id. An unknown or empty collection has no hits.
     *
     * @throws DimensionMismatchException if the collection has items but none of the query's length
     */
    public List<ScoredItem> search(String tenantId, String collection, float[] query, int topK,
            MetadataFilter filter) {
        return search(tenantId, collection, query, topK, filter, RankingRules.NONE);
    }

    /**
     * {@link #search(String, String, float[], int, MetadataFilter)} ranked with {@code rules}: boosted and
     * buried scores compete for the top k, pinned items come first (see {@link #scan}).
     */
    public List<ScoredItem> search(String tenantId, String collection, float[] query, int topK,
            MetadataFilter filter, RankingRules rules) {
        return scan(tenantId, collection, query, topK, filter, Set.of(), null, false, rules);
    }

    /**
     * Items like the {@code positive} examples and unlike the {@code negative} ones (Qdrant's
     * {@code average_vector} strategy): the query is {@code mean(positive) + (mean(positive) -
     * mean(negative))}, or {@code mean(positive)} without negatives, normalized; the examples themselves
     * are never returned.
     *
     * @throws UnknownItemsException      if an example is not in the collection
     * @throws DimensionMismatchException if the examples have different dimensions
     * @throws IllegalArgumentException   if there is no positive example
     */
    public List<ScoredItem> recommend(String tenantId, String collection, List<String> positive,
            List<String> negative, int topK, MetadataFilter filter) {
        return recommend(tenantId, collection, positive, negative, topK, filter, RankingRules.NONE);
    }

    /** {@link #recommend(String, String, List, List, int, MetadataFilter)} ranked with {@code rules}. */
    public List<ScoredItem> recommend(String tenantId, String collection, List<String> positive,
            List<String> negative, int topK, MetadataFilter filter, RankingRules rules) {
        if (positive.isEmpty()) {
            throw new IllegalArgumentException("a recommendation needs at least one positive example");
        }
        Set<String> examples = new LinkedHashSet<>(positive);
        examples.addAll(negative);
        return scan(tenantId, collection, null, topK, filter, examples,
                c -> AverageVectorQuery.of(c.blocks, positive, negative), true, rules);
    }

    /**
     * The {@code topK} items of the collection most similar to the query {@code derive} computes, under the
     * collection's read lock, from the items' stored unit vectors ({@code vectorOf}: null for an item not in
     * the collection), leaving out {@code excluded}; no hits if the collection is unknown or {@code derive}
     * returns null (nothing to search with), e.g. a user profile none of whose items has a vector.
     *
     * @throws DimensionMismatchException if the collection holds no vectors of the derived query's length
     */
    public List<ScoredItem> searchDerived(String tenantId, String collection,
            Function<Function<String, float[]>, float[]> derive, Set<String> excluded, int topK,
            MetadataFilter filter) {
        return searchDerived(tenantId, collection, derive, excluded, topK, filter, RankingRules.NONE);
    }

    /** {@link #searchDerived(String, String, Function, Set, int, MetadataFilter)} ranked with {@code rules}. */
    public List<ScoredItem> searchDerived(String tenantId, String collection,
            Function<Function<String, float[]>, float[]> derive, Set<String> excluded, int topK,
            MetadataFilter filter, RankingRules rules) {
        return scan(tenantId, collection, null, topK, filter, excluded, c -> derive.apply(id -> vectorOf(c, id)),
                false, rules);
    }

    private static float[] vectorOf(Collection c, String itemId) {
        for (VectorBlock block : c.blocks) {
            float[] vector = block.vector(itemId);
            if (vector != null) {
                return vector;
            }
        }
        return null;
    }

    /**
     * Under the collection's read lock: the query (given, or derived by {@code derive}; null: no hits), scanned;
     * {@code excludedMustExist}: the excluded items are examples, each must be in the collection.
     * <p>
     * With {@code rules}: first the pinned items, in their order, each that is in the collection (in the query's
     * block), passes {@code filter} and is not excluded, with its own (adjusted) score; then the best of the
     * others by their scores with the rules' factors applied during the scan, up to {@code topK} in all.
     */
    private List<ScoredItem> scan(String tenantId, String collection, float[] query, int topK,
            MetadataFilter filter, Set<String> excluded, Function<Collection, float[]> derive,
            boolean excludedMustExist, RankingRules rules) {
        Collection c = collections.get(new CollectionKey(tenantId, collection));
        if (c == null || topK <= 0) {
            if (excludedMustExist && !excluded.isEmpty()) {
                throw new UnknownItemsException(List.copyOf(excluded));
            }
            return List.of();
        }
        c.lock.readLock().lock();
        try {
            float[] raw = derive == null ? query : derive.apply(c);
            if (raw == null) {
                return List.of();
            }
            float[] unitQuery = Cosine.unit(raw);
            VectorBlock block = c.block(unitQuery.length);
            if (block == null) {
                if (c.blocks.isEmpty()) {
                    return List.of();
                }
                throw new DimensionMismatchException(unitQuery.length, c.blocks.get(0).dimension());
            }
            List<ScoredItem> hits = new ArrayList<>(Math.min(topK, block.size()));
            Set<String> skipped = excluded;
            if (!rules.pinned().isEmpty()) {
                skipped = new HashSet<>(excluded);
                for (String pin : rules.pinned()) {
                    int slot = block.slot(pin);
                    if (hits.size() == topK || slot < 0 || excluded.contains(pin)
                            || !filter.matches(block.metadata(slot))) {
                        continue;
                    }
                    hits.add(hit(block, slot, rules.apply(block.score(unitQuery, kernel, slot), block.metadata(slot))));
                    skipped.add(pin);
                }
            }
            TopHits top = new TopHits(Math.min(topK + skipped.size(), Math.max(1, block.size())), block::id);
            block.scan(unitQuery, kernel, filter, rules, top);
            float[] scores = new float[top.size()];
            int[] slots = top.slotsBestFirst(scores);
            for (int i = 0; i < slots.length && hits.size() < topK; i++) {
                if (skipped.contains(block.id(slots[i]))) {
                    continue;
                }
                float score = rules.adjustsScores() ? scores[i] : Math.max(-1f, Math.min(1f, scores[i]));
                hits.add(hit(block, slots[i], score));
            }
            return hits;
        } finally {
            c.lock.readLock().unlock();
        }
    }

    private static ScoredItem hit(VectorBlock block, int slot, float score) {
        return new ScoredItem(block.id(slot), (double) score, block.text(slot), block.metadata(slot));
    }

    private static float[] floats(List<Float> values) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }
}
