package dev.fleet.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class GatewayConfigurationTest {

    @Test
    void shouldOfferTheModelsOfTheOrchestratorsNamedProvidersFromTheSameEnvironment() {
        StandardEnvironment environment = new StandardEnvironment();
        // Spring Boot maps FLEET_PROVIDERS_X_MODELS to fleet.providers.x.models in the system environment source
        String name = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
        environment.getPropertySources().replace(name, new SystemEnvironmentPropertySource(name, Map.of(
                "FLEET_PROVIDERS_LOCAL_KIND", "ollama",
                "FLEET_PROVIDERS_LOCAL_MODELS", "llama3.2,qwen2.5",
                "FLEET_PROVIDERS_CLAUDE_MODELS", "claude-sonnet-4-5",
                "FLEET_PROVIDERS_CLAUDE_API_KEY", "not-read-here")));

        assertThat(GatewayConfiguration.providerModels(environment))
                .containsExactlyInAnyOrder("llama3.2", "qwen2.5", "claude-sonnet-4-5");
    }

    @Test
    void shouldOfferNoProviderModelsWhenNoneAreConfigured() {
        assertThat(GatewayConfiguration.providerModels(new StandardEnvironment())).isEmpty();
    }
}
