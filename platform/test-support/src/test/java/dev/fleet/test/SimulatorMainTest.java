package dev.fleet.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SimulatorMainTest {

    @Test
    void readsDefaultKnobsAndModelsWithTheirOwnKnobs() {
        SimulatorMain.Options options = SimulatorMain.parse(new String[] {"--port", "18080", "--ttft", "0ms",
                "--tokens-per-second", "200", "--model", "sim-fast", "--for-model",
                "sim-paced:tokens-per-second=50,answer-tokens=60"});

        assertThat(options.port()).isEqualTo(18080);
        assertThat(options.models()).containsExactly("sim-fast", "sim-paced");
        assertThat(options.defaults().tokensPerSecond()).isEqualTo(200);
        SimulatedBehaviour paced = options.perModel().get("sim-paced");
        assertThat(paced.interTokenDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(paced.answerTokens()).isEqualTo(60);
        assertThat(paced.timeToFirstToken()).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesUnknownFlagsAndMalformedModelKnobs() {
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--speed", "3"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("speed");
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--for-model", "sim:ttft"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--port"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
