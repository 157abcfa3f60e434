package dev.fleet.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.fleet.gateway.web.InFlightLimitFilter;
import dev.fleet.gateway.web.KafkaOutageFilter;
import dev.fleet.platform.kafka.KafkaReachability;

/**
 * The gateway's load shedding, ahead of every other filter: 503 at once while Kafka is
 * unreachable ({@link KafkaOutageFilter}), then 503 beyond the in-flight bound
 * ({@link InFlightLimitFilter}).
 */
@Configuration(proxyBeanMethods = false)
public class LoadSheddingConfiguration {

    @Bean
    KafkaOutageFilter kafkaOutageFilter(KafkaReachability kafkaReachability, FleetGatewayProperties properties,
            ObjectMapper json, MeterRegistry meters) {
        return new KafkaOutageFilter(kafkaReachability::isReachable, properties.retryAfter(), json, meters);
    }

    @Bean
    InFlightLimitFilter inFlightLimitFilter(FleetGatewayProperties properties, ObjectMapper json, MeterRegistry meters) {
        return new InFlightLimitFilter(properties.maxInFlight(), properties.retryAfter(), json, meters);
    }
}
