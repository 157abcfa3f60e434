package dev.fleet.platform.kafka;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Where the platform's environment post-processors put their properties, in one place: what a
 * deployment's variables stand for ranks just below the environment itself (above every
 * {@code application.yml}); the platform's defaults rank below everything a service or a test
 * sets.
 */
final class FleetPropertySources {

    private FleetPropertySources() {
    }

    /** {@code source} right below the system environment (first, if there is none: variables outrank files). */
    static void belowEnvironment(ConfigurableEnvironment environment, PropertySource<?> source) {
        if (environment.getPropertySources().contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            environment.getPropertySources().addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    source);
        } else {
            environment.getPropertySources().addFirst(source);
        }
    }

    /**
     * {@code source} below every other source (Spring Boot later moves {@code SpringApplication}'s default
     * properties below it): a default that a service's own configuration overrides.
     */
    static void asDefaults(ConfigurableEnvironment environment, PropertySource<?> source) {
        environment.getPropertySources().addLast(source);
    }
}
