package dev.fleet.scorer.domain;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The best {@code k} (score, slot) pairs seen so far: a bounded min-heap on two primitive arrays, so a
 * scan of n items costs O(n log k) and allocates nothing per item. Equal scores rank by item id,
 * smaller first (the ids come from {@code idOf}), so results do not depend on the storage order.
 */
final class TopHits {

    private final int k;
    private final float[] scores;
    private final int[] slots;
    private final IntFunction<String> idOf;
    private int size;

    TopHits(int k, IntFunction<String> idOf) {
        this.k = k;
        this.scores = new float[k];
        this.slots = new int[k];
        this.idOf = idOf;
    }

    /** Keeps {@code (score, slot)} if it is among the best k so far. */
    void offer(float score, int slot) {
        if (size < k) {
            scores[size] = score;
            slots[size] = slot;
            siftUp(size++);
        } else if (score > scores[0] || (score == scores[0] && worse(scores[0], slots[0], score, slot))) {
            scores[0] = score;
            slots[0] = slot;
            siftDown(0);
        }
    }

    int size() {
        return size;
    }

    /** The kept slots, best first (consumes the heap). */
    int[] slotsBestFirst(float[] scoresOut) {
        int n = size;
        int[] result = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            result[i] = slots[0];
            scoresOut[i] = scores[0];
            size--;
            scores[0] = scores[size];
            slots[0] = slots[size];
            siftDown(0);
        }
        return result;
    }

    /** Whether (sa, a) ranks below (sb, b): lower score, or equal score and larger id. */
    private boolean worse(float sa, int a, float sb, int b) {
        if (sa != sb) {
            return sa < sb;
        }
        return idOf.apply(a).compareTo(idOf.apply(b)) > 0;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(scores[i], slots[i], scores[parent], slots[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && worse(scores[right], slots[right], scores[left], slots[left])) {
                worst = right;
            }
            if (!worse(scores[worst], slots[worst], scores[i], slots[i])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int i, int j) {
        float s = scores[i];
        scores[i] = scores[j];
        scores[j] = s;
        int t = slots[i];
        slots[i] = slots[j];
        slots[j] = t;
    }

    @Override
    public String toString() {
        return "TopHits" + Arrays.toString(Arrays.copyOf(scores, size));
    }
}
