package dev.fleet.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * The platform's shared defaults (fleet-defaults.yml) as a service's environment sees them: present
 * when the service says nothing, overridden by its own application.yml and by the environment.
 * (EmbeddingWorkerIntegrationTest proves a whole service that relies on them exposes what they say.)
 */
class FleetDefaultsEnvironmentTest {

    @Test
    void aServiceWithNoConfigurationOfItsOwnGetsTheSharedManagementKafkaAndAdminSettings() {
        try (ConfigurableApplicationContext context = start("no-such-application-yml")) {
            ConfigurableEnvironment env = context.getEnvironment();

            assertThat(env.getProperty("management.endpoints.web.exposure.include"))
                    .isEqualTo("health,info,prometheus");
            assertThat(env.getProperty("management.endpoint.health.probes.enabled", Boolean.class)).isTrue();
            assertThat(env.getProperty("management.endpoint.health.group.readiness.include"))
                    .isEqualTo("readinessState,kafka,topicMirrors");
            assertThat(env.getProperty("management.tracing.sampling.probability")).isEqualTo("1.0");
            assertThat(env.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("127.0.0.1:9092");
            assertThat(env.getProperty("fleet.admin.token")).isEmpty();
        }
    }

    @Test
    void aServicesOwnApplicationYmlOverridesADefaultAndKeepsTheOthers() {
        try (ConfigurableApplicationContext context = start("fleet-defaults-override-test")) {
            ConfigurableEnvironment env = context.getEnvironment();

            assertThat(env.getProperty("spring.application.name")).isEqualTo("override-test");
            assertThat(env.getProperty("management.endpoint.health.group.readiness.include"))
                    .isEqualTo("readinessState,kafka,topicMirrors,replyPartitions");
            assertThat(env.getProperty("management.tracing.sampling.probability")).isEqualTo("0.5");
            assertThat(env.getProperty("management.endpoints.web.exposure.include"))
                    .isEqualTo("health,info,prometheus");
        }
    }

    @Test
    void theEnvironmentOverridesADefaultAndFillsItsPlaceholders() {
        // given a deployment's variables
        StandardEnvironment environment = environment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-0:9093",
                "FLEET_ADMIN_TOKEN", "t0ken", "MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "false"));

        // when the platform adds its defaults
        new FleetDefaultsEnvironment().postProcessEnvironment(environment, null);

        // then the variables win, directly or through the defaults' placeholders
        assertThat(environment.getProperty("spring.kafka.bootstrap-servers")).isEqualTo("kafka-0:9093");
        assertThat(environment.getProperty("fleet.admin.token")).isEqualTo("t0ken");
        assertThat(environment.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("false");
        assertThat(environment.getPropertySources().stream().reduce((first, second) -> second).orElseThrow()
                .getName()).as("the defaults rank last").startsWith(FleetDefaultsEnvironment.PROPERTY_SOURCE);
    }

    @Test
    void isRegisteredForEveryService() {
        assertThat(SpringFactoriesLoader.loadFactoryNames(EnvironmentPostProcessor.class, getClass().getClassLoader()))
                .contains(FleetDefaultsEnvironment.class.getName());
    }

    /** A service started with {@code configName} as its application.yml, in an environment with no variables. */
    private static ConfigurableApplicationContext start(String configName) {
        return new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE).environment(environment(Map.of()))
                .properties("spring.config.name=" + configName, "spring.main.banner-mode=off").run();
    }

    /**
     * An environment whose variables are {@code variables} only, without the JVM's system properties (an
     * in-JVM test broker sets {@code spring.kafka.bootstrap-servers} there).
     */
    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        variables));
        return environment;
    }

    @Configuration(proxyBeanMethods = false)
    static class Empty {
    }
}
