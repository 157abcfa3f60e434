package dev.fleet.scorer.domain.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.fleet.scorer.domain.Cosine;

class DotProductTest {

    private static final int DIMENSIONS = 384;

    @Test
    void vectorApiIsAvailableWhenTheTestJvmAddsTheIncubatorModule() {
        // the surefire argLine adds --add-modules jdk.incubator.vector: without it this fails, as it should
        DotProduct kernel = DotProducts.vectorApi();

        assertThat(kernel).isNotNull();
        assertThat(kernel.name()).startsWith("vector-api-");
    }

    @Test
    void choosesTheVectorApiOnlyWhenC2CompilesIt() {
        // given: the test JVM's flags (the parent pom's fleet.test.jvm stops at C1 today)
        boolean c1Only = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(arg -> arg.matches("-XX:TieredStopAtLevel=[0-3]"));

        // when / then
        assertThat(DotProducts.optimizingCompilerRuns()).isEqualTo(!c1Only);
        assertThat(DotProducts.best().name()).isEqualTo(c1Only ? "scalar" : DotProducts.vectorApi().name());
    }

    @Test
    void vectorApiAndScalarAgreeTo1e5OnRandomUnitVectors() {
        // given
        DotProduct simd = DotProducts.vectorApi();
        DotProduct scalar = ScalarDotProduct.INSTANCE;
        SplittableRandom random = new SplittableRandom(42);
        int items = 200;
        float[] block = new float[items * DIMENSIONS];
        for (int i = 0; i < items; i++) {
            System.arraycopy(unitVector(random, DIMENSIONS), 0, block, i * DIMENSIONS, DIMENSIONS);
        }

        for (int q = 0; q < 20; q++) {
            float[] query = unitVector(random, DIMENSIONS);
            for (int i = 0; i < items; i++) {
                // when
                float fast = simd.dot(query, block, i * DIMENSIONS);
                float slow = scalar.dot(query, block, i * DIMENSIONS);

                // then
                assertThat(fast).isCloseTo(slow, within(1e-5f));
                assertThat((double) slow).isCloseTo(exact(query, block, i * DIMENSIONS), within(1e-5));
            }
        }
    }

    @Test
    void bothHandleLengthsThatAreNotAMultipleOfTheLaneCount() {
        DotProduct simd = DotProducts.vectorApi();
        SplittableRandom random = new SplittableRandom(7);
        for (int n : new int[] {1, 3, 7, 9, 17, 33, 383, 385}) {
            float[] a = unitVector(random, n);
            float[] b = new float[n + 5];
            System.arraycopy(unitVector(random, n), 0, b, 5, n);

            assertThat(simd.dot(a, b, 5)).as("n=%d", n).isCloseTo((float) exact(a, b, 5), within(1e-5f));
            assertThat(ScalarDotProduct.INSTANCE.dot(a, b, 5)).as("n=%d", n)
                    .isCloseTo((float) exact(a, b, 5), within(1e-5f));
        }
    }

    private static double exact(float[] a, float[] b, int offset) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[offset + i];
        }
        return sum;
    }

    static float[] unitVector(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return Cosine.unit(v);
    }
}
