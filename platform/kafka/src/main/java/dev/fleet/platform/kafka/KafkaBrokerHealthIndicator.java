package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * DOWN when the Kafka cluster does not answer within {@code timeout}; part of every service's
 * readiness group, so a replica that cannot reach Kafka stops receiving traffic (the gateway
 * answers 503 meanwhile). The answer is cached for {@code cacheFor} so probes do not hammer the
 * brokers.
 */
public class KafkaBrokerHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private final Admin admin;
    private final Duration timeout;
    private final Duration cacheFor;
    private volatile Health last;
    private volatile long lastAtNanos;

    public KafkaBrokerHealthIndicator(Map<String, Object> adminConfig, Duration timeout, Duration cacheFor) {
        super("Kafka is not reachable");
        Map<String, Object> config = new java.util.HashMap<>(adminConfig);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.admin = Admin.create(config);
        this.timeout = timeout;
        this.cacheFor = cacheFor;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        Health cached = last;
        if (cached != null && System.nanoTime() - lastAtNanos < cacheFor.toNanos()) {
            builder.status(cached.getStatus()).withDetails(cached.getDetails());
            return;
        }
        Health health;
        try {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            int nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            health = Health.up().withDetail("nodes", nodes).build();
        } catch (Exception e) {
            health = Health.down().withDetail("error", e.getClass().getSimpleName()).build();
        }
        last = health;
        lastAtNanos = System.nanoTime();
        builder.status(health.getStatus()).withDetails(health.getDetails());
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
