package dev.fleet.scorer.config;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import dev.fleet.scorer.domain.ShardStates;

/**
 * Part of the readiness group ({@code itemVectorShards}): OUT_OF_SERVICE until this replica has its first
 * assignment and while any partition it holds is being rebuilt (its item vectors and its interactions,
 * decision 0039); each held partition is a detail ({@code "3": "rebuilding"} or {@code "ready"}).
 */
public class ItemVectorShardsHealthIndicator extends AbstractHealthIndicator {

    private final ShardStates states;

    public ItemVectorShardsHealthIndicator(ShardStates states) {
        this.states = states;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("assigned", states.assigned());
        states.snapshot().forEach((partition, state) ->
                builder.withDetail(String.valueOf(partition), state.name().toLowerCase(java.util.Locale.ROOT)));
        if (states.allReady()) {
            builder.up();
        } else {
            builder.outOfService();
        }
    }
}
