package dev.fleet.platform.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The settings every fleet service shares, from {@value #RESOURCE} in this jar: the actuator's
 * exposure, probes and default readiness group, Prometheus, the tracing sampling, the Kafka
 * bootstrap servers ({@code KAFKA_BOOTSTRAP_SERVERS}) and the admin token ({@code FLEET_ADMIN_TOKEN}).
 * They rank below every other source but {@code SpringApplication}'s default properties (Spring's
 * lowest), so a service's own {@code application.yml}, a test's properties, command-line arguments and
 * the environment override any of them; a service's file holds only what is its own.
 */
public class FleetDefaultsEnvironment implements EnvironmentPostProcessor {

    static final String RESOURCE = "fleet-defaults.yml";
    static final String PROPERTY_SOURCE = "fleetDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        for (PropertySource<?> source : load()) {
            FleetPropertySources.asDefaults(environment, source);
        }
    }

    static List<PropertySource<?>> load() {
        try {
            return new YamlPropertySourceLoader().load(PROPERTY_SOURCE, new ClassPathResource(RESOURCE,
                    FleetDefaultsEnvironment.class.getClassLoader()));
        } catch (IOException e) {
            throw new UncheckedIOException("the platform's " + RESOURCE + " is unreadable", e);
        }
    }
}
