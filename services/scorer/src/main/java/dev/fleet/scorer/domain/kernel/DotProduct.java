package dev.fleet.scorer.domain.kernel;

/**
 * The scorer's inner loop: the dot product of a query with vectors stored back to back in one
 * {@code float[]}. Two implementations, {@link VectorApiDotProduct} (SIMD through
 * {@code jdk.incubator.vector}) and {@link ScalarDotProduct}; {@link DotProducts#best()} picks one at
 * start-up. Accumulates in {@code float}: results of the two agree to about 1e-6 for unit vectors.
 */
public interface DotProduct {

    /** {@code a · b[offset .. offset + a.length)}. */
    float dot(float[] a, float[] b, int offset);

    /** A short name for logs and benchmarks ({@code vector-api-256}, {@code scalar}). */
    String name();
}
