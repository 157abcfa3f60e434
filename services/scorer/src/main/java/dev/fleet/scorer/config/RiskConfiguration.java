package dev.fleet.scorer.config;

import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.streams.FleetStreams;
import dev.fleet.platform.kafka.streams.KafkaStreamsHealthIndicator;
import dev.fleet.scorer.messaging.risk.RiskTopology;

/**
 * Runs {@link RiskTopology} in Spring's Kafka Streams lifecycle with the platform's Streams settings
 * ({@link FleetStreams}: exactly-once v2, the service's Kafka connection and security, dead letters for
 * records that do not decode, a failed stream thread replaced), and reports the stream's state as the
 * {@code kafkaStreams} health contributor of the readiness group.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
public class RiskConfiguration {

    @Bean(name = KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
    KafkaStreamsConfiguration defaultKafkaStreamsConfig(KafkaProperties kafka, FleetScorerProperties scorer,
            FleetKafkaProperties fleet,
            @Qualifier("fleetDeadLetterRecoverer") DeadLetterPublishingRecoverer deadLetters) {
        FleetScorerProperties.Risk risk = scorer.risk();
        Path stateDir = risk.stateDir() == null || risk.stateDir().isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), risk.applicationId(), fleet.instanceId())
                : Path.of(risk.stateDir(), risk.applicationId());
        Map<String, Object> config = FleetStreams.config(kafka, risk.applicationId(), stateDir, deadLetters);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, risk.commitInterval().toMillis());
        FleetStreams.handOverOnClose(config); // a stopping replica's accounts are scored elsewhere at once
        return new KafkaStreamsConfiguration(config);
    }

    @Bean
    StreamsBuilderFactoryBeanConfigurer riskTopologyConfigurer(FleetSerde serde, FleetScorerProperties scorer,
            FleetKafkaProperties fleet) {
        return factoryBean -> {
            factoryBean.setStreamsUncaughtExceptionHandler(FleetStreams.replaceFailedThreads());
            factoryBean.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
                @Override
                public void configureTopology(Topology topology) {
                    RiskTopology.define(topology, serde, scorer.risk().features(), fleet.service());
                }
            });
        };
    }

    @Bean
    KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsHealthIndicator(streams);
    }
}
