package dev.fleet.scorer.domain;

/**
 * Cosine similarity. The index stores unit vectors, so a search is a dot product; vectors are made unit
 * length here whatever the producer did, and a zero vector stays zero (its similarity to anything is 0,
 * never NaN).
 */
public final class Cosine {

    private Cosine() {
    }

    /** {@code vector} scaled to unit length; a zero vector comes back as zeros. */
    public static float[] unit(float[] vector) {
        double sumOfSquares = 0;
        for (float v : vector) {
            sumOfSquares += (double) v * v;
        }
        float[] unit = new float[vector.length];
        if (sumOfSquares == 0 || !Double.isFinite(sumOfSquares)) {
            return unit;
        }
        double norm = Math.sqrt(sumOfSquares);
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }

    /** The cosine similarity of two unit (or zero) vectors of equal length, clamped to -1..1. */
    public static double ofUnitVectors(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return Math.max(-1, Math.min(1, dot));
    }

    /** The cosine similarity of any two vectors of equal length; 0 if either is zero. */
    public static double similarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        }
        return ofUnitVectors(unit(a), unit(b));
    }
}
