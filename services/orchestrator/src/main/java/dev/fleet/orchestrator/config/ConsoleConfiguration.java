package dev.fleet.orchestrator.config;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.orchestrator.domain.console.ConsoleUsage;
import dev.fleet.orchestrator.domain.console.ExperimentResults;
import dev.fleet.orchestrator.messaging.ConsoleFeeds;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.platform.kafka.TopicMirrorsHealthIndicator;

/**
 * The admin console's read models and the mirrors that feed them (decision 0043); off with
 * {@code FLEET_CONSOLE_ENABLED=false}. Health contributor {@code consoleMirrors} reports each console
 * mirror's catch-up; it is deliberately not in the readiness group.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "fleet.orchestrator.console.enabled", havingValue = "true", matchIfMissing = true)
public class ConsoleConfiguration {

    @Bean
    ConsoleUsage consoleUsage(FleetOrchestratorProperties properties, Clock clock) {
        return new ConsoleUsage(properties.console().usageRetention(), clock);
    }

    @Bean
    ExperimentResults experimentResults(FleetOrchestratorProperties properties) {
        return new ExperimentResults(properties.console().experimentDedupeWindow());
    }

    @Bean
    ConsoleFeeds consoleFeeds(TopicMirrors mirrors, ConsoleUsage usage, ExperimentResults experiments) {
        return new ConsoleFeeds(mirrors, usage, experiments);
    }

    @Bean
    TopicMirrorsHealthIndicator consoleMirrorsHealthIndicator(ConsoleFeeds feeds) {
        return new TopicMirrorsHealthIndicator(feeds.mirrors());
    }
}
