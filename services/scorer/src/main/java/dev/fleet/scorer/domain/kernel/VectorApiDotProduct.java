package dev.fleet.scorer.domain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel on the Java Vector API at the platform's preferred width (256 bits on AVX2: 8 floats
 * per lane-wise fused multiply-add), two accumulators to hide the FMA latency, a scalar tail. Loaded
 * only by {@link DotProducts} and only when the JVM runs with {@code --add-modules jdk.incubator.vector};
 * without the module this class must never be touched (it would not link).
 */
final class VectorApiDotProduct implements DotProduct {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public float dot(float[] a, float[] b, int offset) {
        int n = a.length;
        int step = SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int upper = n - 2 * step; i <= upper; i += 2 * step) {
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, offset + i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, i + step)
                    .fma(FloatVector.fromArray(SPECIES, b, offset + i + step), acc1);
        }
        for (int upper = SPECIES.loopBound(n); i < upper; i += step) {
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, offset + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[i] * b[offset + i];
        }
        return sum;
    }

    @Override
    public String name() {
        return "vector-api-" + SPECIES.vectorBitSize();
    }
}
