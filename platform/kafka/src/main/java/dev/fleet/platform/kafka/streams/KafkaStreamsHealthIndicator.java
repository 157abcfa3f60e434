package dev.fleet.platform.kafka.streams;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * Kafka Streams' state as health (spring-kafka has no indicator): UP when RUNNING, OUT_OF_SERVICE
 * while starting or rebalancing (its state cannot be queried then), DOWN once it stops or fails.
 * Part of the readiness group.
 */
public class KafkaStreamsHealthIndicator extends AbstractHealthIndicator {

    private final StreamsBuilderFactoryBean streams;

    public KafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            builder.outOfService().withDetail("state", "NOT_STARTED");
            return;
        }
        KafkaStreams.State state = kafkaStreams.state();
        builder.withDetail("state", state.name());
        switch (state) {
            case RUNNING -> builder.up();
            case CREATED, REBALANCING -> builder.outOfService();
            default -> builder.down();
        }
    }
}
