package dev.fleet.platform.kafka;

import java.util.Map;
import java.util.function.Supplier;

import org.springframework.kafka.core.KafkaAdmin;

/**
 * The cluster id for the Kafka observations' spans, answered without asking the cluster: spring-kafka's
 * observations ask their {@link KafkaAdmin} for it, and a real one opens an admin client and waits up
 * to its operation timeout (30 s) for an answer — on the first send, and again on every send while
 * the broker is away. This one answers what {@link KafkaReachability} last heard (null until then;
 * the span then names no cluster). It is used for nothing else: it provisions no topics.
 */
final class KnownClusterId extends KafkaAdmin {

    private final Supplier<String> clusterId;

    KnownClusterId(Supplier<String> clusterId) {
        super(Map.of());
        this.clusterId = clusterId;
    }

    @Override
    public String clusterId() {
        return clusterId.get();
    }
}
