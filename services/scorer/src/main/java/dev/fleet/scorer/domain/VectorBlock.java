package dev.fleet.scorer.domain;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.fleet.scorer.domain.kernel.DotProduct;

/**
 * The items of one collection that share a dimension, stored compactly: the unit vectors back to back in
 * chunks of {@value #CHUNK_ITEMS} items ({@code float[CHUNK_ITEMS * dimension]} each, so the scan streams
 * through memory and growing never copies the whole collection), and id, text and metadata in parallel
 * arrays indexed by the same slot. No object per item holds its vector. Slots stay dense: a removal moves
 * the last item into the freed slot (swap-remove), so a scan is always {@code 0 .. size}.
 * <p>
 * Not thread-safe; {@link VectorIndex} guards each collection with a read-write lock.
 */
final class VectorBlock {

    static final int CHUNK_SHIFT = 9;
    static final int CHUNK_ITEMS = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_ITEMS - 1;

    private final int dimension;
    private final int chunkFloats;
    private float[][] chunks = new float[0][];
    private String[] ids = new String[0];
    private String[] texts = new String[0];
    private Map<String, String>[] metadata = newMetadata(0);
    private final HashMap<String, Integer> slotOf = new HashMap<>();
    private int size;

    VectorBlock(int dimension) {
        this.dimension = dimension;
        this.chunkFloats = CHUNK_ITEMS * dimension;
    }

    int dimension() {
        return dimension;
    }

    int size() {
        return size;
    }

    boolean contains(String id) {
        return slotOf.containsKey(id);
    }

    /** Adds or replaces an item; {@code unitVector} has this block's dimension and is copied. */
    void upsert(String id, float[] unitVector, String text, Map<String, String> itemMetadata) {
        Integer existing = slotOf.get(id);
        int slot;
        if (existing != null) {
            slot = existing;
        } else {
            slot = size;
            ensureCapacity(size + 1);
            size++;
            slotOf.put(id, slot);
        }
        System.arraycopy(unitVector, 0, chunks[slot >>> CHUNK_SHIFT], (slot & CHUNK_MASK) * dimension, dimension);
        ids[slot] = id;
        texts[slot] = text;
        metadata[slot] = itemMetadata;
    }

    /** Removes an item (the last one moves into its slot); returns whether it was there. */
    boolean remove(String id) {
        Integer removed = slotOf.remove(id);
        if (removed == null) {
            return false;
        }
        int slot = removed;
        int last = --size;
        if (slot != last) {
            System.arraycopy(chunks[last >>> CHUNK_SHIFT], (last & CHUNK_MASK) * dimension,
                    chunks[slot >>> CHUNK_SHIFT], (slot & CHUNK_MASK) * dimension, dimension);
            ids[slot] = ids[last];
            texts[slot] = texts[last];
            metadata[slot] = metadata[last];
            slotOf.put(ids[slot], slot);
        }
        ids[last] = null;
        texts[last] = null;
        metadata[last] = null;
        shrinkIfSparse();
        return true;
    }

    /** A copy of the item's unit vector, or null if it is not here. */
    float[] vector(String id) {
        Integer slot = slotOf.get(id);
        if (slot == null) {
            return null;
        }
        return Arrays.copyOfRange(chunks[slot >>> CHUNK_SHIFT], (slot & CHUNK_MASK) * dimension,
                (slot & CHUNK_MASK) * dimension + dimension);
    }

    /** Scores every item that passes {@code filter} against {@code unitQuery} into {@code top}. */
    void scan(float[] unitQuery, DotProduct kernel, MetadataFilter filter, TopHits top) {
        scan(unitQuery, kernel, filter, RankingRules.NONE, top);
    }

    /**
     * Scores every item that passes {@code filter} against {@code unitQuery}, with {@code rules}' boosts and
     * buries applied to each score before it competes for {@code top}.
     */
    void scan(float[] unitQuery, DotProduct kernel, MetadataFilter filter, RankingRules rules, TopHits top) {
        boolean filtered = !filter.isEmpty();
        boolean adjusted = rules.adjustsScores();
        for (int chunk = 0, base = 0; base < size; chunk++, base += CHUNK_ITEMS) {
            float[] data = chunks[chunk];
            int n = Math.min(CHUNK_ITEMS, size - base);
            for (int j = 0; j < n; j++) {
                if (filtered && !filter.matches(metadata[base + j])) {
                    continue;
                }
                float score = kernel.dot(unitQuery, data, j * dimension);
                top.offer(adjusted ? rules.apply(score, metadata[base + j]) : score, base + j);
            }
        }
    }

    /** The slot of item {@code id}, or -1 when it is not here. */
    int slot(String id) {
        Integer slot = slotOf.get(id);
        return slot == null ? -1 : slot;
    }

    /** The similarity of the item in {@code slot} to {@code unitQuery}. */
    float score(float[] unitQuery, DotProduct kernel, int slot) {
        return kernel.dot(unitQuery, chunks[slot >>> CHUNK_SHIFT], (slot & CHUNK_MASK) * dimension);
    }

    String id(int slot) {
        return ids[slot];
    }

    String text(int slot) {
        return texts[slot];
    }

    Map<String, String> metadata(int slot) {
        return metadata[slot];
    }

    /** Bytes of the vector chunks and the slot arrays (not the strings and maps they point to). */
    long arrayBytes() {
        long allocated = Arrays.stream(chunks).filter(c -> c != null).count();
        long vectorBytes = allocated * (16 + 4L * chunkFloats);
        long slotArrays = 3L * (16 + 4L * ids.length) + 16 + 4L * chunks.length;
        return vectorBytes + slotArrays;
    }

    /**
     * {@link #arrayBytes()} plus the ids, texts and metadata estimated from their lengths (compact Latin-1
     * strings, immutable maps) and the id → slot map (a 32-byte entry and a boxed slot per item, the table).
     */
    long approximateBytes() {
        long bytes = arrayBytes() + 16 + 4L * Integer.highestOneBit(Math.max(1, size) * 2);
        for (int slot = 0; slot < size; slot++) {
            bytes += stringBytes(ids[slot]) + stringBytes(texts[slot]) + mapBytes(metadata[slot]) + 32 + 16;
        }
        return bytes;
    }

    private void ensureCapacity(int items) {
        int neededChunks = (items + CHUNK_ITEMS - 1) >>> CHUNK_SHIFT;
        if (neededChunks > chunks.length) {
            chunks = Arrays.copyOf(chunks, Math.max(neededChunks, chunks.length + (chunks.length >> 1)));
        }
        if (chunks[neededChunks - 1] == null) {
            chunks[neededChunks - 1] = new float[chunkFloats]; // one chunk at a time: no slack beyond the last
        }
        if (items > ids.length) {
            int capacity = Math.max(items, Math.max(8, ids.length + (ids.length >> 1)));
            ids = Arrays.copyOf(ids, capacity);
            texts = Arrays.copyOf(texts, capacity);
            metadata = Arrays.copyOf(metadata, capacity);
        }
    }

    /** Frees the chunk behind the last item once it is empty, so a shrinking collection gives memory back. */
    private void shrinkIfSparse() {
        int usedChunks = (size + CHUNK_ITEMS - 1) >>> CHUNK_SHIFT;
        for (int i = usedChunks; i < chunks.length && chunks[i] != null; i++) {
            chunks[i] = null;
        }
        if (ids.length > 64 && size < ids.length / 4) {
            int capacity = Math.max(8, size * 2);
            ids = Arrays.copyOf(ids, capacity);
            texts = Arrays.copyOf(texts, capacity);
            metadata = Arrays.copyOf(metadata, capacity);
        }
    }

    private static long stringBytes(String s) {
        return s == null ? 0 : 24 + 16 + ((s.length() + 7) & ~7L); // String header + byte[] header + Latin-1 bytes
    }

    private static long mapBytes(Map<String, String> map) {
        if (map.isEmpty()) {
            return 0; // the shared empty map
        }
        long bytes = 16 + 16 + 8L * map.size() * 2;
        for (Map.Entry<String, String> entry : map.entrySet()) {
            bytes += stringBytes(entry.getKey()) + stringBytes(entry.getValue());
        }
        return bytes;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String>[] newMetadata(int n) {
        return new Map[n];
    }
}
