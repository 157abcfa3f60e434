package dev.fleet.platform.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Maps the deployment's tracing variables onto Spring Boot's tracing properties, the same for
 * every service:
 * <ul>
 * <li>{@code FLEET_TRACING_SAMPLING}: the probability (0 to 1) that a new trace is recorded
 *     ({@code management.tracing.sampling.probability}); unset, the platform's {@code fleet-defaults.yml}
 *     says 1.0, so every trace is recorded locally and in tests (Spring Boot's own default is 0.1). Traces continued from a caller keep
 *     the caller's decision;</li>
 * <li>{@code FLEET_OTLP_ENDPOINT}: where spans are exported over OTLP/HTTP, e.g.
 *     {@code http://collector:4318/v1/traces} ({@code management.otlp.tracing.endpoint}); unset,
 *     nothing is exported.</li>
 * </ul>
 * A blank variable counts as unset; the mapped properties rank just below the environment itself.
 */
public class FleetTracingEnvironment implements EnvironmentPostProcessor {

    static final String PROPERTY_SOURCE = "fleetTracingEnvironment";
    static final String SAMPLING = "management.tracing.sampling.probability";
    static final String OTLP_ENDPOINT = "management.otlp.tracing.endpoint";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> properties = springProperties(environment.getSystemEnvironment());
        if (properties.isEmpty()) {
            return;
        }
        FleetPropertySources.belowEnvironment(environment, new MapPropertySource(PROPERTY_SOURCE, properties));
    }

    /** The Spring properties that {@code environment}'s tracing variables stand for. */
    static Map<String, Object> springProperties(Map<String, ?> environment) {
        Map<String, Object> properties = new LinkedHashMap<>();
        String sampling = value(environment, "FLEET_TRACING_SAMPLING");
        if (sampling != null) {
            properties.put(SAMPLING, String.valueOf(probability(sampling)));
        }
        String endpoint = value(environment, "FLEET_OTLP_ENDPOINT");
        if (endpoint != null) {
            properties.put(OTLP_ENDPOINT, endpoint);
        }
        return properties;
    }

    private static double probability(String value) {
        double probability;
        try {
            probability = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("FLEET_TRACING_SAMPLING: expected a probability from 0 to 1, got '"
                    + value + "'");
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("FLEET_TRACING_SAMPLING: expected a probability from 0 to 1, got '"
                    + value + "'");
        }
        return probability;
    }

    private static String value(Map<String, ?> environment, String name) {
        Object value = environment.get(name);
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }
}
