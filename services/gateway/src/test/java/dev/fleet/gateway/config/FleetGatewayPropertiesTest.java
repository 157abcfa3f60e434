package dev.fleet.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class FleetGatewayPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(FleetGatewayProperties.class)
    static class PropertiesOnly {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void shouldDefaultToNoChatModelsAndAReplyTimeoutBeyondTheOrchestratorsChatTimeout() {
        runner.withPropertyValues("fleet.gateway.chat-models=").run(context -> {
            FleetGatewayProperties properties = context.getBean(FleetGatewayProperties.class);
            assertThat(properties.chatModels()).isEmpty();
            assertThat(properties.replyTimeout()).isEqualTo(Duration.ofSeconds(150));
            assertThat(properties.retryAfter()).isEqualTo(Duration.ofSeconds(5));
            assertThat(properties.maxInFlight()).isEqualTo(512);
        });
    }

    @Test
    void shouldSplitCommaSeparatedChatModels() {
        runner.withPropertyValues("fleet.gateway.chat-models=gpt-4o-mini, llama3 ,,llama3").run(context ->
                assertThat(context.getBean(FleetGatewayProperties.class).chatModels())
                        .containsExactly("gpt-4o-mini", "llama3"));
    }

    @Test
    void shouldRefuseToStartWithoutRoomForOneRequestInFlight() {
        runner.withPropertyValues("fleet.gateway.max-in-flight=0").run(context ->
                assertThat(context).hasFailed());
    }

    @Test
    void shouldRefuseToStartWithZeroReplyTimeout() {
        runner.withPropertyValues("fleet.gateway.reply-timeout=0s").run(context ->
                assertThat(context).hasFailed());
    }

    @Test
    void shouldWaitTwoSecondsForARiskDecisionAndBoundTheWaitsByDefault() {
        runner.run(context -> {
            FleetGatewayProperties.Risk risk = context.getBean(FleetGatewayProperties.class).risk();
            assertThat(risk.waitTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(risk.maxWaits()).isEqualTo(10_000);
            assertThat(risk.staleAfter()).isEqualTo(Duration.ofSeconds(34));
        });
    }

    @Test
    void shouldReadAnIsoRiskWaitTimeoutAndRefuseNoRoomForAWait() {
        runner.withPropertyValues("fleet.gateway.risk.wait-timeout=PT0.5S").run(context ->
                assertThat(context.getBean(FleetGatewayProperties.class).risk().waitTimeout())
                        .isEqualTo(Duration.ofMillis(500)));
        runner.withPropertyValues("fleet.gateway.risk.max-waits=0").run(context -> assertThat(context).hasFailed());
    }
}
