package dev.fleet.gateway.config;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
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

import dev.fleet.events.v1.RateLimitGrant;
import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.domain.ratelimit.LimitsDirectory;
import dev.fleet.gateway.domain.ratelimit.RateLimiter;
import dev.fleet.gateway.messaging.KafkaSecurityEvents;
import dev.fleet.gateway.messaging.RefusalReporter;
import dev.fleet.gateway.messaging.ratelimit.KafkaCapacityClaims;
import dev.fleet.gateway.messaging.ratelimit.RateLimitTopology;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.KafkaReachability;
import dev.fleet.platform.kafka.ReplyRouter;
import dev.fleet.platform.kafka.ReplyConsumers;
import dev.fleet.platform.kafka.streams.FleetStreams;
import dev.fleet.platform.kafka.streams.KafkaStreamsHealthIndicator;
import dev.fleet.schemas.FleetTopics;

/**
 * Wires the rate limits: every gateway replica runs {@link RateLimitTopology} in one Kafka Streams
 * application (so each owns the budgets of its share of the claims partitions), and admits its
 * requests through a {@link RateLimiter} that claims capacity from those owners.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
public class RateLimitConfiguration {

    /** The Kafka Streams application id of the budget owners: consumer group and internal topics' prefix. */
    public static final String APPLICATION_ID = "fleet-gateway-ratelimit";

    /** The consumer setting Kafka Streams turns off by default (its constant is internal to the client). */
    private static final String LEAVE_GROUP_ON_CLOSE = "internal.leave.group.on.close";

    @Bean(name = KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
    KafkaStreamsConfiguration defaultKafkaStreamsConfig(KafkaProperties kafka, FleetGatewayProperties gateway,
            FleetKafkaProperties fleet,
            @Qualifier("fleetDeadLetterRecoverer") DeadLetterPublishingRecoverer deadLetters) {
        FleetGatewayProperties.RateLimits limits = gateway.rateLimits();
        Path stateDir = limits.stateDir().isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), APPLICATION_ID, fleet.instanceId())
                : Path.of(limits.stateDir(), APPLICATION_ID);
        Map<String, Object> config = FleetStreams.config(kafka, APPLICATION_ID, stateDir, deadLetters);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, limits.commitInterval().toMillis());
        // A replica that stops hands its budgets over at once (Kafka Streams would otherwise stay in the
        // group until the session times out, and claims to its budgets would fail meanwhile); one that
        // dies is noticed within the session timeout.
        config.put(StreamsConfig.consumerPrefix(LEAVE_GROUP_ON_CLOSE), true);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                (int) limits.sessionTimeout().toMillis());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) Math.max(500, limits.sessionTimeout().toMillis() / 3));
        return new KafkaStreamsConfiguration(config);
    }

    @Bean
    StreamsBuilderFactoryBeanConfigurer rateLimitTopologyConfigurer(FleetSerde serde, FleetKafkaProperties fleet) {
        return factoryBean -> {
            factoryBean.setStreamsUncaughtExceptionHandler(FleetStreams.replaceFailedThreads());
            factoryBean.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
                @Override
                public void configureBuilder(StreamsBuilder builder) {
                    RateLimitTopology.define(builder, serde.serde(FleetTopics.RATE_LIMIT_CLAIMS),
                            serde.serde(FleetTopics.RATE_LIMIT_GRANTS), fleet.service());
                }
            });
        };
    }

    @Bean
    KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        return new KafkaStreamsHealthIndicator(streams);
    }

    @Bean
    LimitsDirectory limitsDirectory() {
        return new LimitsDirectory();
    }

    @Bean
    ReplyRouter<RateLimitGrant> rateLimitGrants(ReplyConsumers replyConsumers) {
        return replyConsumers.router(FleetTopics.RATE_LIMIT_GRANTS, grant -> true);
    }

    @Bean
    RateLimiter rateLimiter(LimitsDirectory limits, FleetPublisher publisher, ReplyRouter<RateLimitGrant> grants,
            RefusalCounter refusals, KafkaReachability kafka, FleetKafkaProperties fleet,
            FleetGatewayProperties gateway) {
        FleetGatewayProperties.RateLimits settings = gateway.rateLimits();
        return new RateLimiter(limits,
                new KafkaCapacityClaims(publisher, grants, fleet.instanceId(), settings.claimTimeout(),
                        kafka::isReachable),
                refusals, System::nanoTime, settings.maxWaiters(), settings.prefetch());
    }

    @Bean
    RefusalCounter refusalCounter(Clock clock) {
        return new RefusalCounter(clock);
    }

    @Bean
    RefusalReporter refusalReporter(RefusalCounter refusals, FleetPublisher publisher, FleetKafkaProperties fleet,
            FleetGatewayProperties gateway) {
        return new RefusalReporter(refusals, new KafkaSecurityEvents(publisher, fleet.instanceId()),
                gateway.rateLimits().refusalReportInterval());
    }
}
