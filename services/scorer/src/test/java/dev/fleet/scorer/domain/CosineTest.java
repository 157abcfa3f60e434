package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CosineTest {

    @Test
    void isOneForSameDirectionZeroForOrthogonalMinusOneForOpposite() {
        assertThat(Cosine.similarity(new float[] {1, 2, 3}, new float[] {2, 4, 6})).isCloseTo(1.0, within(1e-6));
        assertThat(Cosine.similarity(new float[] {1, 0}, new float[] {0, 5})).isCloseTo(0.0, within(1e-6));
        assertThat(Cosine.similarity(new float[] {1, 1}, new float[] {-2, -2})).isCloseTo(-1.0, within(1e-6));
        assertThat(Cosine.similarity(new float[] {1, 0}, new float[] {1, 1})).isCloseTo(Math.sqrt(0.5), within(1e-6));
    }

    @Test
    void isZeroNotNanForAZeroVector() {
        assertThat(Cosine.similarity(new float[] {0, 0}, new float[] {1, 0})).isZero();
        assertThat(Cosine.unit(new float[] {0, 0})).containsExactly(0f, 0f);
    }

    @Test
    void makesUnitVectors() {
        assertThat(Cosine.unit(new float[] {3, 4})).containsExactly(0.6f, 0.8f);
    }

    @Test
    void refusesVectorsOfDifferentLengths() {
        assertThatThrownBy(() -> Cosine.similarity(new float[] {1}, new float[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
