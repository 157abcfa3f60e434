package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;

class FleetTracingEnvironmentTest {

    @Test
    void mapsSamplingAndOtlpEndpointOntoSpringBootsTracingProperties() {
        Map<String, Object> properties = FleetTracingEnvironment.springProperties(Map.of(
                "FLEET_TRACING_SAMPLING", "0.25", "FLEET_OTLP_ENDPOINT", "http://collector:4318/v1/traces"));

        assertThat(properties).containsExactlyInAnyOrderEntriesOf(Map.of(
                "management.tracing.sampling.probability", "0.25",
                "management.otlp.tracing.endpoint", "http://collector:4318/v1/traces"));
    }

    @Test
    void exportsNothingAndSamplesEveryTraceWhenNothingIsSet() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);

        new FleetTracingEnvironment().postProcessEnvironment(environment, new SpringApplication());
        new FleetDefaultsEnvironment().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("management.tracing.sampling.probability")).isEqualTo("1.0");
        assertThat(environment.getProperty("management.otlp.tracing.endpoint")).isNull();
        assertThat(FleetTracingEnvironment.springProperties(Map.of("FLEET_TRACING_SAMPLING", " ",
                "FLEET_OTLP_ENDPOINT", ""))).isEmpty();
    }

    @Test
    void rejectsASamplingThatIsNotAProbability() {
        for (String bad : new String[] {"1.5", "-0.1", "all", "NaN"}) {
            assertThatThrownBy(() -> FleetTracingEnvironment.springProperties(Map.of("FLEET_TRACING_SAMPLING", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("FLEET_TRACING_SAMPLING").hasMessageContaining(bad);
        }
    }
}
