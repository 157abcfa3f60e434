package dev.fleet.metering.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.metering.config.FleetMeteringProperties;
import dev.fleet.metering.messaging.RollupRetention;
import dev.fleet.metering.messaging.UsageTopology;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Party;
import dev.fleet.schemas.Topic;
import dev.fleet.test.SharedKafka;

/**
 * {@code scripts/fleet bench metering}: usage records per second through {@link UsageTopology} on one
 * stream thread, with {@code exactly_once_v2} and with {@code at_least_once} (both with the service's
 * commit interval and record cache, {@code fleet.metering.commit-interval} and {@code cache-max-bytes}),
 * over the same records on the same broker; prints both rates, their ratio (target at least 0.8) and
 * records per second per stream thread (target at least 50,000), after a decode-only ceiling: the same
 * records through a no-op processor. One unmeasured run of each topology warms the JVM first.
 * {@code -Dbench.commit-interval-ms} and {@code -Dbench.cache-max-bytes}
 * override the two settings.
 *
 * <p>The broker is an in-JVM KRaft broker, or the one {@code FLEET_TEST_KAFKA} names (its
 * {@code fleet.usage.v1} must then hold only the benchmark's records). The rate is counted from the
 * stream thread's first processed record to its last ({@code process-total}), so start-up and the
 * group's rebalance are left out. A benchmark, not a test: nothing is asserted.
 *
 * <p>Arguments (all optional): records (200000), tenants (1000), rounds (2).
 */
public final class MeteringThroughputBenchmark {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    /** Every topic the topology reads or writes (the price book, since billing, too), as the catalog says. */
    private static final List<Topic<?>> TOPICS = FleetTopics.touchedBy(Party.USAGE_METERING);

    private static final String STREAMS_PREFIX = "bench.streams.";

    /**
     * Records the last run's producers sent (outputs, changelogs, repartitions) by topic, the topics'
     * names shortened to what follows the application id.
     */
    private static Map<String, Double> lastWrittenByTopic = Map.of();

    private MeteringThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int tenants = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String bootstrap = SharedKafka.bootstrapServers();
        createTopics(bootstrap);
        publish(bootstrap, records, tenants);
        long input = endOffsets(bootstrap, FleetTopics.USAGE.name()) + endOffsets(bootstrap, FleetTopics.TENANTS.name());
        System.out.printf("metering benchmark: %,d usage records of %,d tenants (%,d input records), %d round(s), "
                + "1 stream thread, %d cores%n", records, tenants, input, rounds,
                Runtime.getRuntime().availableProcessors());

        // one unmeasured run of each topology first, so no measured run pays for the JVM's class loading and
        // compilation (the first at_least_once round of the metering topology used to be the slowest)
        System.out.printf("warm-up (not counted): decode-only %,.0f records/s, exactly_once_v2 %,.0f records/s%n",
                run(bootstrap, StreamsConfig.AT_LEAST_ONCE, input, decodeOnly()),
                run(bootstrap, StreamsConfig.EXACTLY_ONCE_V2, input, metering()));

        // what this machine allows one stream thread at all: the same records through a topology that
        // only decodes them (at_least_once, nothing stored or written), against the same broker
        double ceiling = 0;
        for (int round = 1; round <= rounds; round++) {
            ceiling = Math.max(ceiling, run(bootstrap, StreamsConfig.AT_LEAST_ONCE, input, decodeOnly()));
        }
        System.out.printf("ceiling: decode-only topology (no-op processor, at_least_once) %,.0f records/s%n", ceiling);

        double bestAtLeastOnce = 0;
        double bestExactlyOnce = 0;
        for (int round = 1; round <= rounds; round++) {
            double atLeastOnce = run(bootstrap, StreamsConfig.AT_LEAST_ONCE, input, metering());
            double exactlyOnce = run(bootstrap, StreamsConfig.EXACTLY_ONCE_V2, input, metering());
            System.out.printf("round %d: at_least_once %,.0f records/s, exactly_once_v2 %,.0f records/s "
                    + "(%.1f records written per input record)%n", round, atLeastOnce, exactlyOnce,
                    lastWrittenByTopic.values().stream().mapToDouble(Double::doubleValue).sum() / input);
            bestAtLeastOnce = Math.max(bestAtLeastOnce, atLeastOnce);
            bestExactlyOnce = Math.max(bestExactlyOnce, exactlyOnce);
        }
        System.out.printf("records written per input record in the last exactly_once_v2 run, by topic: %s%n",
                lastWrittenByTopic.entrySet().stream().map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / input))
                        .toList());
        System.out.printf("exactly_once_v2 / at_least_once = %.2f (target >= 0.80)%n",
                bestExactlyOnce / bestAtLeastOnce);
        System.out.printf("exactly_once_v2 records/s per stream thread = %,.0f (target >= 50,000); "
                + "%.2f of the decode-only ceiling %,.0f%n", bestExactlyOnce, bestExactlyOnce / ceiling, ceiling);
        System.exit(0);
    }

    /** The production topology, as the service builds it. */
    private static Topology metering() {
        return UsageTopology.buildTopology(SERDE, RollupRetention.DEFAULT, UsageTopology.ROLLUP_INTERVAL,
                "bench-metering");
    }

    /** Reads and decodes the usage and tenants like the production topology, and does nothing with them. */
    private static Topology decodeOnly() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(FleetTopics.USAGE.name(), Consumed.with(Serdes.String(), SERDE.serde(FleetTopics.USAGE)))
                .foreach((key, value) -> { });
        builder.stream(FleetTopics.TENANTS.name(), Consumed.with(Serdes.String(), SERDE.serde(FleetTopics.TENANTS)))
                .foreach((key, value) -> { });
        return builder.build();
    }

    /** Runs {@code topology} over all input with {@code guarantee}; records per second of processing. */
    private static double run(String bootstrap, String guarantee, long input, Topology topology) throws Exception {
        Path stateDir = Files.createTempDirectory("bench-metering-");
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-metering-" + UUID.randomUUID());
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        // the service's commit interval for both guarantees, so the ratio is the price of exactly-once alone
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.getLong("bench.commit-interval-ms",
                DurationStyle.detectAndParse(FleetMeteringProperties.COMMIT_INTERVAL).toMillis()));
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, DataSize.parse(System.getProperty(
                "bench.cache-max-bytes", FleetMeteringProperties.CACHE_MAX_BYTES)).toBytes()); // the service's default
        // -Dbench.streams.<name>=<value>: any other Kafka Streams (or prefixed client) setting, to try one
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(STREAMS_PREFIX))
                .forEach(name -> config.put(name.substring(STREAMS_PREFIX.length()), System.getProperty(name)));
        try (KafkaStreams streams = new KafkaStreams(topology, config)) {
            streams.start();
            long first = 0;
            double processed = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            List<Metric> processTotals = List.of();
            while (processed < input && System.nanoTime() < deadline) {
                Thread.sleep(5); // sampling a metric, not waiting for Kafka
                if (processTotals.isEmpty()) {
                    // found once: KafkaStreams.metrics() copies every client's metrics (thousands), which
                    // every 5 ms took a third of a core from the stream thread on this 2-core machine
                    processTotals = processTotalMetrics(streams);
                }
                processed = processTotals.stream().mapToDouble(metric -> (Double) metric.metricValue()).sum();
                if (first == 0 && processed > 0) {
                    first = System.nanoTime();
                }
            }
            long last = System.nanoTime();
            lastWrittenByTopic = recordsSentByTopic(streams, config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            return processed / ((last - first) / 1e9);
        }
    }

    /** What the stream threads' producers have sent so far, by topic: every output, changelog and repartition record. */
    private static Map<String, Double> recordsSentByTopic(KafkaStreams streams, String applicationId) {
        Map<String, Double> sent = new TreeMap<>();
        metrics(streams, "producer-topic-metrics", "record-send-total").forEach((name, metric) -> sent.merge(
                name.tags().getOrDefault("topic", "?").replace(applicationId + "-", ""),
                ((Number) metric.metricValue()).doubleValue(), Double::sum));
        return sent;
    }

    /** The stream threads' {@code process-total} metrics, once their threads have registered them. */
    private static List<Metric> processTotalMetrics(KafkaStreams streams) {
        return List.copyOf(metrics(streams, "stream-thread-metrics", "process-total").values());
    }

    /** The metrics of one group and name, of every client of {@code streams} (one copy of them all). */
    private static Map<MetricName, Metric> metrics(KafkaStreams streams, String group, String name) {
        Map<MetricName, Metric> found = new HashMap<>();
        streams.metrics().forEach((metricName, metric) -> {
            if (metricName.group().equals(group) && metricName.name().equals(name)) {
                found.put(metricName, metric);
            }
        });
        return found;
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (Topic<?> topic : TOPICS) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic.name(), topic.partitions(), (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static void publish(String bootstrap, int records, int tenants) {
        List<String> tenantIds = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            tenantIds.add(UUID.randomUUID().toString());
        }
        Meter[] meters = Meter.values();
        String[] models = {"gpt-4o", "gpt-4o-mini", "all-MiniLM-L6-v2"};
        Instant start = Instant.now().minus(Duration.ofHours(1));
        long step = Duration.ofHours(1).toMillis() / records;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                String tenant = tenantIds.get(i % tenants);
                UsageRecorded usage = UsageRecorded.newBuilder().setTenantId(tenant).setMeter(meters[i % meters.length])
                        .setModel(models[i % models.length]).setQuantity(1 + i % 500)
                        .setOccurredAt(start.plusMillis(i * step)).build();
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(FleetTopics.USAGE.name(), tenant,
                        SERDE.serialize(FleetTopics.USAGE.name(), usage));
                record.headers().add(FleetHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
                record.headers().add(FleetHeaders.TENANT_ID, tenant.getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static long endOffsets(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }
}
