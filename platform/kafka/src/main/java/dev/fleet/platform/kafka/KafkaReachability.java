package dev.fleet.platform.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this service reaches the Kafka cluster right now, known without waiting: a daemon
 * thread asks the cluster for its nodes every {@code interval} (each question bounded by
 * {@code timeout}) and keeps the last answer. The {@code kafka} health contributor (readiness)
 * reports it, and the gateway refuses work that needs Kafka at once while it is unreachable,
 * instead of letting each request wait out the producer's timeouts.
 * <p>
 * Limits: one unanswered question marks Kafka unreachable and one answered question marks it
 * reachable again, so a change shows within {@code interval + timeout}; a broker that answers
 * metadata requests but cannot take writes (too few in-sync replicas) still counts as reachable.
 * Until the first answer it counts as unreachable.
 */
public class KafkaReachability implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaReachability.class);

    /** The last answer: the cluster's node count, or the error that stood in for it. */
    public record State(boolean reachable, int nodes, String error, Instant since) {

        static State notAskedYet() {
            return new State(false, 0, "not asked yet", Instant.now());
        }
    }

    private final Admin admin;
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private final State notAskedYet = State.notAskedYet();
    private volatile State state = notAskedYet;
    private volatile String clusterId;

    public KafkaReachability(Map<String, Object> adminConfig, Duration interval, Duration timeout) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "fleet-kafka-reachability");
        this.admin = Admin.create(config);
        this.interval = interval;
        this.timeout = timeout;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kafka-reachability");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Asks once now (so the state is known when this returns), then every {@code interval}. */
    public void start() {
        check();
        scheduler.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isReachable() {
        return state.reachable();
    }

    public State state() {
        return state;
    }

    /** The cluster's id from the last answer; null until the cluster has answered once. */
    public String clusterId() {
        return clusterId;
    }

    /** Asks the cluster once and records the answer. */
    void check() {
        State next;
        try {
            DescribeClusterResult cluster = admin.describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            int nodes = cluster.nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).size();
            clusterId = cluster.clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            next = new State(true, nodes, null, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            next = new State(false, 0, FleetHeaders.rootCause(e), Instant.now());
        }
        State previous = state;
        if (previous.reachable() == next.reachable()) {
            next = new State(next.reachable(), next.nodes(), next.error(), previous.since());
        } else if (next.reachable()) {
            log.info("Kafka is reachable{} ({} node(s))", previous == notAskedYet ? "" : " again", next.nodes());
        } else {
            log.warn("Kafka is unreachable: {}", next.error());
        }
        state = next;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
