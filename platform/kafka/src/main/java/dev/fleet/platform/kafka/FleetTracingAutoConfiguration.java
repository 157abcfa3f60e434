package dev.fleet.platform.kafka;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Traces across the fleet (decision 0038): Spring Boot's actuator sets up Micrometer Tracing with the
 * OpenTelemetry bridge (HTTP server spans, sampling, OTLP export, see {@link FleetTracingEnvironment});
 * this adds what is the fleet's own — spring-kafka's producer and consumer observations on every
 * template and listener factory ({@link KafkaObservations}), and the same sampling probability for the
 * traces the fleet starts itself ({@link TraceParent#newRoot}).
 */
@AutoConfiguration
public class FleetTracingAutoConfiguration {

    @Bean
    static KafkaObservations fleetKafkaObservations(ObjectProvider<KafkaReachability> reachability) {
        return new KafkaObservations(reachability);
    }

    @Bean
    InitializingBean fleetNewTraceSampling(Environment environment) {
        double probability = environment.getProperty(FleetTracingEnvironment.SAMPLING, Double.class, 1.0);
        return () -> TraceParent.sampleNewTraces(probability);
    }
}
