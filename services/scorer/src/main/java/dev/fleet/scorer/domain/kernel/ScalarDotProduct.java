package dev.fleet.scorer.domain.kernel;

/**
 * The portable kernel: four independent accumulators so that the JIT can pipeline the multiply-adds
 * (it does not vectorize a float reduction by itself: that would reorder the additions).
 */
public final class ScalarDotProduct implements DotProduct {

    public static final ScalarDotProduct INSTANCE = new ScalarDotProduct();

    private ScalarDotProduct() {
    }

    @Override
    public float dot(float[] a, float[] b, int offset) {
        int n = a.length;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (int upper = n & ~3; i < upper; i += 4) {
            s0 += a[i] * b[offset + i];
            s1 += a[i + 1] * b[offset + i + 1];
            s2 += a[i + 2] * b[offset + i + 2];
            s3 += a[i + 3] * b[offset + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[offset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String name() {
        return "scalar";
    }
}
