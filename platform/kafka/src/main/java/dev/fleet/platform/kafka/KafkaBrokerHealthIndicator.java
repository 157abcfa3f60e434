package dev.fleet.platform.kafka;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * DOWN while {@link KafkaReachability} finds the Kafka cluster unreachable; part of every
 * service's readiness group, so a replica that cannot reach Kafka stops receiving traffic (the
 * gateway answers 503 meanwhile) and gets it back, without a restart, once Kafka answers again.
 * Reads the last known answer, so probes never wait for (or hammer) the brokers.
 */
public class KafkaBrokerHealthIndicator extends AbstractHealthIndicator {

    private final KafkaReachability reachability;

    public KafkaBrokerHealthIndicator(KafkaReachability reachability) {
        super("Kafka is not reachable");
        this.reachability = reachability;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KafkaReachability.State state = reachability.state();
        if (state.reachable()) {
            builder.up().withDetail("nodes", state.nodes());
        } else {
            builder.down().withDetail("error", state.error());
        }
        builder.withDetail("since", state.since().toString());
    }
}
