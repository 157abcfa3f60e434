package dev.fleet.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class FleetOrchestratorPropertiesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Enable.class);

    @Test
    void bindsSaneDefaultsWithoutAnyConfiguration() {
        context.run(ctx -> {
            FleetOrchestratorProperties properties = ctx.getBean(FleetOrchestratorProperties.class);
            assertThat(properties.openai().enabled()).isFalse();
            assertThat(properties.openai().models()).isEmpty();
            assertThat(properties.chat().concurrency()).isEqualTo(4);
            assertThat(properties.outbox().relayInterval()).isEqualTo(Duration.ofMillis(150));
            assertThat(properties.outbox().batchSize()).isEqualTo(100);
            assertThat(properties.extractive().defaultCollection()).isEqualTo("default");
        });
    }

    @Test
    void readsTheModelListAndAcceptsABaseUrlEndingInV1() {
        context.withPropertyValues("fleet.orchestrator.openai.base-url=http://127.0.0.1:11434/v1/",
                "fleet.orchestrator.openai.models= llama3 , qwen2 ,").run(ctx -> {
                    FleetOrchestratorProperties.OpenAi openai = ctx.getBean(FleetOrchestratorProperties.class).openai();
                    assertThat(openai.models()).containsExactly("llama3", "qwen2");
                    assertThat(openai.normalizedBaseUrl()).isEqualTo("http://127.0.0.1:11434");
                });
    }

    @Test
    void refusesToStartWithAnEndpointButNoModels() {
        context.withPropertyValues("fleet.orchestrator.openai.base-url=http://127.0.0.1:11434")
                .run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void refusesToLetTheEndpointShadowTheExtractiveModel() {
        context.withPropertyValues("fleet.orchestrator.openai.base-url=http://127.0.0.1:11434",
                "fleet.orchestrator.openai.models=extractive").run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void refusesANonPositiveConcurrency() {
        context.withPropertyValues("fleet.orchestrator.chat.concurrency=0").run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void neverPrintsTheApiKey() {
        context.withPropertyValues("fleet.orchestrator.openai.api-key=sk-very-secret").run(ctx -> assertThat(
                ctx.getBean(FleetOrchestratorProperties.class).toString()).doesNotContain("sk-very-secret"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(FleetOrchestratorProperties.class)
    static class Enable {
    }
}
