package dev.fleet.metering.config;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

import dev.fleet.metering.domain.UsageHistory;
import dev.fleet.metering.domain.UsageOwners;
import dev.fleet.metering.messaging.InteractiveUsageHistory;
import dev.fleet.metering.messaging.ItemStorageTopology;
import dev.fleet.metering.messaging.StreamsUsageOwners;
import dev.fleet.metering.messaging.UsageTopology;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.streams.FleetStreams;
import dev.fleet.platform.kafka.streams.KafkaStreamsHealthIndicator;
import dev.fleet.schemas.FleetTopics;

/**
 * Runs {@link UsageTopology} and {@link ItemStorageTopology} in Spring's Kafka Streams lifecycle and wires the query side:
 * {@link UsageHistory} over interactive queries, {@link UsageOwners} from the streams' metadata (each
 * instance advertises its usage API as {@code application.server}) and the streams' health for readiness.
 *
 * <p>Exactly-once v2, local state in {@link FleetMeteringProperties#stateDir()}. Failures do not
 * stop the stream: a record that cannot be decoded goes to its topic's dead-letter topic through
 * the platform's recoverer; a record that a processor cannot process is logged and skipped
 * ({@link SkipUnprocessableRecords}); any other failure of a stream thread (e.g. a failed send)
 * replaces the thread, and its tasks resume from their last commit.
 *
 * <p>Limit: a failure that recurs on every attempt (say, an output record the broker always
 * refuses) makes the replaced thread fail again, over and over; the stream stays RUNNING while the
 * log fills with the failure.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
@EnableConfigurationProperties(FleetMeteringProperties.class)
public class MeteringConfiguration {

    @Bean(name = KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
    KafkaStreamsConfiguration defaultKafkaStreamsConfig(KafkaProperties kafka, FleetMeteringProperties metering,
            FleetKafkaProperties fleet,
            @Qualifier("fleetDeadLetterRecoverer") DeadLetterPublishingRecoverer deadLetters,
            HostInfo advertisedAddress) {
        Map<String, Object> config = FleetStreams.config(kafka, metering.applicationId(), stateDir(metering, fleet), deadLetters);
        config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedAddress.host() + ":" + advertisedAddress.port());
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, metering.cacheMaxBytes().toBytes());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, metering.commitInterval().toMillis());
        return new KafkaStreamsConfiguration(config);
    }

    /** Where the other replicas reach this one's usage API ({@code application.server}). */
    @Bean
    HostInfo advertisedAddress(FleetMeteringProperties metering, Environment environment) {
        String address = metering.advertisedAddress();
        if (address == null || address.isBlank()) {
            address = "127.0.0.1:" + environment.getProperty("server.port", "8080");
        }
        return HostInfo.buildFromEndpoint(address);
    }

    /** Defines the topology on the builder Spring's factory bean builds and runs. */
    @Bean
    StreamsBuilderFactoryBeanConfigurer usageTopologyConfigurer(FleetSerde serde, FleetMeteringProperties metering,
            FleetKafkaProperties fleet) {
        return factoryBean -> factoryBean.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
            @Override
            public void configureBuilder(StreamsBuilder builder) {
                UsageTopology.define(builder, serde, metering.rollupRetention(), metering.rollupInterval(),
                        metering.billing().schedule(), fleet.service(), fleet.partitionsOf(FleetTopics.USAGE));
                ItemStorageTopology.define(builder, serde, fleet.service());
            }
        });
    }

    /** A stream thread that dies of an exception is replaced rather than shutting the client down. */
    @Bean
    StreamsBuilderFactoryBeanConfigurer replaceFailedStreamThreads() {
        return factoryBean -> factoryBean.setStreamsUncaughtExceptionHandler(FleetStreams.replaceFailedThreads());
    }

    @Bean
    UsageHistory usageHistory(StreamsBuilderFactoryBean streams) {
        return new InteractiveUsageHistory(streams);
    }

    @Bean
    UsageOwners usageOwners(StreamsBuilderFactoryBean streams, HostInfo advertisedAddress) {
        return new StreamsUsageOwners(streams, advertisedAddress);
    }

    @Bean
    KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsHealthIndicator(streams);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    private static Path stateDir(FleetMeteringProperties metering, FleetKafkaProperties fleet) {
        if (metering.stateDir() != null && !metering.stateDir().isBlank()) {
            return Path.of(metering.stateDir());
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "fleet-usage-metering", fleet.instanceId());
    }
}
