package dev.fleet.platform.kafka;

import java.util.Map;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health contributor {@code listenerOutages}: DOWN while a listener container retries a transient
 * failure (a database or broker that is away), with the consumer threads, their causes and since
 * when; UP once each of them delivers again. Services whose listeners depend on a database put it
 * in their readiness group, so a replica that cannot record what it consumes stops taking traffic.
 */
public class ListenerOutagesHealthIndicator extends AbstractHealthIndicator {

    private final ListenerOutages outages;

    public ListenerOutagesHealthIndicator(ListenerOutages outages) {
        super("listener outage check failed");
        this.outages = outages;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, ListenerOutages.Outage> current = outages.current();
        if (current.isEmpty()) {
            builder.up();
        } else {
            builder.down();
            current.forEach((thread, outage) -> builder.withDetail(thread, Map.of("since", outage.since().toString(),
                    "cause", outage.cause(), "attempts", outage.attempts())));
        }
    }
}
