package dev.fleet.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.fleet.orchestrator.config.FleetProvidersProperties.Kind;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Provider;

class FleetProvidersPropertiesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Enable.class);

    @Test
    void bindsNamedProvidersFromEnvironmentVariablesAsANewcomerTypesThem() {
        // given: the environment of a process
        Map<String, Object> env = Map.ofEntries(
                Map.entry("FLEET_PROVIDERS_LOCAL_KIND", "ollama"),
                Map.entry("FLEET_PROVIDERS_LOCAL_BASE_URL", "http://127.0.0.1:11434"),
                Map.entry("FLEET_PROVIDERS_LOCAL_MODELS", "llama3.2, qwen2.5"),
                Map.entry("FLEET_PROVIDERS_LOCAL_TTFT_TIMEOUT", "5s"),
                Map.entry("FLEET_PROVIDERS_CLAUDE_KIND", "anthropic"),
                Map.entry("FLEET_PROVIDERS_CLAUDE_BASE_URL", "https://api.anthropic.com"),
                Map.entry("FLEET_PROVIDERS_CLAUDE_API_KEY", "sk-ant-secret"),
                Map.entry("FLEET_PROVIDERS_CLAUDE_MODELS", "claude-sonnet-4-5"),
                Map.entry("FLEET_PROVIDERS_CLAUDE_MAX_ATTEMPTS", "2"),
                Map.entry("FLEET_PROVIDERS_NATIVE_KIND", "openai-responses"),
                Map.entry("FLEET_PROVIDERS_NATIVE_BASE_URL", "https://api.openai.com/v1"),
                Map.entry("FLEET_PROVIDERS_NATIVE_MODELS", "gpt-5-mini"));

        // when
        context.withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env)))
                .run(ctx -> {
                    Map<String, Provider> providers = ctx.getBean(FleetProvidersProperties.class).providers();

                    // then
                    assertThat(providers).containsOnlyKeys("local", "claude", "native");
                    assertThat(providers.get("native").kind()).isEqualTo(Kind.OPENAI_RESPONSES);
                    assertThat(providers.get("native").normalizedBaseUrl()).isEqualTo("https://api.openai.com");
                    Provider local = providers.get("local");
                    assertThat(local.kind()).isEqualTo(Kind.OLLAMA);
                    assertThat(local.normalizedBaseUrl()).isEqualTo("http://127.0.0.1:11434");
                    assertThat(local.models()).containsExactly("llama3.2", "qwen2.5");
                    assertThat(local.ttftTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(local.tokenTimeout()).isEqualTo(Duration.ofSeconds(30));
                    Provider claude = providers.get("claude");
                    assertThat(claude.kind()).isEqualTo(Kind.ANTHROPIC);
                    assertThat(claude.apiKey()).isEqualTo("sk-ant-secret");
                    assertThat(claude.maxAttempts()).isEqualTo(2);
                    assertThat(claude.toString()).doesNotContain("sk-ant-secret");
                });
    }

    @Test
    void refusesAProviderWithoutABaseUrl() {
        context.withPropertyValues("fleet.providers.local.kind=ollama", "fleet.providers.local.models=llama3.2")
                .run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void refusesAProviderWithoutModels() {
        context.withPropertyValues("fleet.providers.local.kind=openai",
                "fleet.providers.local.base-url=http://127.0.0.1:8000").run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void keepsTheOpenAiSettingsOfEarlierReleasesAsTheProviderNamedOpenai() {
        context.withPropertyValues("fleet.orchestrator.openai.base-url=http://127.0.0.1:8000/v1",
                "fleet.orchestrator.openai.models=sim-model", "fleet.orchestrator.openai.token-timeout=7s",
                "fleet.orchestrator.openai.max-attempts=4",
                "fleet.providers.local.kind=ollama", "fleet.providers.local.base-url=http://127.0.0.1:11434",
                "fleet.providers.local.models=llama3.2").run(ctx -> {
                    Map<String, Provider> all = ProvidersConfiguration.all(ctx.getBean(FleetProvidersProperties.class),
                            ctx.getBean(FleetOrchestratorProperties.class));

                    assertThat(all).containsOnlyKeys("openai", "local");
                    Provider openai = all.get("openai");
                    assertThat(openai.kind()).isEqualTo(Kind.OPENAI);
                    assertThat(openai.normalizedBaseUrl()).isEqualTo("http://127.0.0.1:8000");
                    assertThat(openai.models()).isEqualTo(List.of("sim-model"));
                    assertThat(openai.ttftTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(openai.tokenTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(openai.maxAttempts()).isEqualTo(4);
                });
    }

    @Test
    void refusesTheOpenaiProviderConfiguredTwice() {
        context.withPropertyValues("fleet.orchestrator.openai.base-url=http://127.0.0.1:8000",
                "fleet.orchestrator.openai.models=a", "fleet.providers.openai.kind=openai",
                "fleet.providers.openai.base-url=http://127.0.0.1:9000", "fleet.providers.openai.models=b").run(ctx ->
                        assertThatThrownBy(() -> ProvidersConfiguration.all(ctx.getBean(FleetProvidersProperties.class),
                                ctx.getBean(FleetOrchestratorProperties.class)))
                                .hasMessageContaining("configured twice"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({FleetProvidersProperties.class, FleetOrchestratorProperties.class})
    static class Enable {
    }
}
