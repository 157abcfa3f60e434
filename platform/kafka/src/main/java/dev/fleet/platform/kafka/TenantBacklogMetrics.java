package dev.fleet.platform.kafka;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Publishes {@code fleet.backlog.records{group, topic, tenant}} (Prometheus
 * {@code fleet_backlog_records}): the records of each tenant a consumer group of this service still has
 * to read, measured by {@link TenantBacklog} every {@code interval} on a thread of its own, and
 * {@code fleet.backlog.sampled.ratio{group, topic}}, the share of that backlog actually read (1 = exact
 * counts, below 1 = extrapolated). A tenant whose backlog is gone reports 0 for {@code forgetAfter},
 * then its series is dropped. A failed read is logged and leaves the last values in place.
 */
public class TenantBacklogMetrics implements SmartLifecycle {

    public static final String RECORDS = "fleet.backlog.records";
    public static final String SAMPLED = "fleet.backlog.sampled.ratio";

    private static final Logger log = LoggerFactory.getLogger(TenantBacklogMetrics.class);

    private final FleetBacklogProperties properties;
    private final Map<String, Object> consumerConfig;
    private final Supplier<Set<String>> groups;
    private final HandDrivenConsumers consumers;
    private final Clock clock;
    private final MultiGauge records;
    private final MultiGauge sampled;
    /** (group, topic, tenant) → its last backlog, and when it last had one. */
    private final Map<List<String>, Series> series = new ConcurrentHashMap<>();
    private final Map<List<String>, AtomicLong> ratios = new ConcurrentHashMap<>();

    private volatile ScheduledExecutorService scheduler;
    private Admin admin; // on the scheduler's thread
    private KafkaConsumer<byte[], byte[]> consumer; // on the scheduler's thread

    /**
     * @param consumerConfig the service's consumer settings (bootstrap servers, security)
     * @param groups         the groups to measure, asked before each read
     */
    public TenantBacklogMetrics(FleetBacklogProperties properties, Map<String, Object> consumerConfig,
            Supplier<Set<String>> groups, HandDrivenConsumers consumers, MeterRegistry registry, Clock clock) {
        this.properties = properties;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.groups = groups;
        this.consumers = consumers;
        this.clock = clock;
        this.records = MultiGauge.builder(RECORDS).description("Records of a tenant a consumer group has yet "
                + "to read (extrapolated where fleet.backlog.sampled.ratio < 1)").baseUnit("records")
                .register(registry);
        this.sampled = MultiGauge.builder(SAMPLED).description("Share of the group's backlog on the topic "
                + "read to count fleet.backlog.records").register(registry);
    }

    /** Reads every group's backlog now and updates the gauges; on the caller's thread. */
    public synchronized void refresh() {
        Set<String> measured = new LinkedHashSet<>(groups.get());
        measured.addAll(properties.groups());
        if (measured.isEmpty()) {
            return;
        }
        List<TenantBacklog.Backlog> backlogs;
        try {
            backlogs = new TenantBacklog(admin(), consumer(), properties.sample(), properties.timeout())
                    .read(measured);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            log.warn("could not read the consumer groups' backlogs: {}", FleetHeaders.rootCause(e));
            return;
        }
        update(backlogs);
    }

    private void update(List<TenantBacklog.Backlog> backlogs) {
        Instant now = clock.instant();
        Map<List<String>, Long> current = new HashMap<>();
        Map<List<String>, Long> currentRatios = new HashMap<>();
        for (TenantBacklog.Backlog backlog : backlogs) {
            backlog.tenants().forEach((tenant, count) -> current.put(List.of(backlog.group(), backlog.topic(),
                    tenant), count));
            currentRatios.put(List.of(backlog.group(), backlog.topic()),
                    Double.doubleToLongBits(backlog.sampledRatio()));
        }
        current.forEach((key, count) -> series.computeIfAbsent(key, k -> new Series()).set(count, now));
        series.forEach((key, s) -> {
            if (!current.containsKey(key)) {
                s.set(0, null);
            }
        });
        series.entrySet().removeIf(e -> e.getValue().value.get() == 0
                && e.getValue().lastBacklog.isBefore(now.minus(properties.forgetAfter())));
        ratios.keySet().retainAll(currentRatios.keySet());
        currentRatios.forEach((key, bits) -> ratios.computeIfAbsent(key, k -> new AtomicLong()).set(bits));

        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        series.forEach((key, s) -> rows.add(MultiGauge.Row.of(Tags.of("group", key.get(0), "topic", key.get(1),
                "tenant", key.get(2)), s.value)));
        records.register(rows, false); // kept rows keep their gauge: no gap for a scrape
        List<MultiGauge.Row<?>> ratioRows = new ArrayList<>();
        ratios.forEach((key, bits) -> ratioRows.add(MultiGauge.Row.of(Tags.of("group", key.get(0), "topic",
                key.get(1)), bits, b -> Double.longBitsToDouble(b.get()))));
        sampled.register(ratioRows, false);
    }

    private Admin admin() {
        if (admin == null) {
            admin = new AdminEndOffsets(consumerConfig).newAdmin();
        }
        return admin;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> config = new HashMap<>(consumerConfig);
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer = consumers.open(config, "tenant-backlog");
        }
        return consumer;
    }

    @Override
    public synchronized void start() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-tenant-backlog");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, properties.interval().toMillis());
        s.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
        scheduler = s;
    }

    @Override
    public void stop() {
        ScheduledExecutorService s = scheduler;
        scheduler = null;
        if (s == null) {
            return;
        }
        s.shutdownNow();
        try {
            s.awaitTermination(properties.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (consumer != null) {
                consumer.close(java.time.Duration.ofSeconds(2));
                consumer = null;
            }
            if (admin != null) {
                admin.close(java.time.Duration.ofSeconds(2));
                admin = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }

    /** A series' value and the last time it was above 0. */
    private static final class Series {
        final AtomicLong value = new AtomicLong();
        Instant lastBacklog = Instant.EPOCH;

        void set(long count, Instant now) {
            value.set(count);
            if (count > 0 && now != null) {
                lastBacklog = now;
            }
        }
    }
}
