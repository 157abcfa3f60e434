package dev.fleet.scorer.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import org.awaitility.core.ConditionTimeoutException;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Party;
import dev.fleet.schemas.Topic;
import dev.fleet.scorer.messaging.risk.RiskTopology;
import dev.fleet.test.SharedKafka;

/**
 * {@code scripts/fleet bench risk}: the scorer's risk topology ({@link RiskTopology}, exactly_once_v2, one stream
 * thread, the service's commit interval) against a bare Kafka consume→produce pass-through of the same records on
 * the same broker (plain consumer, idempotent producer, bytes copied), as transactions per second and their
 * ratio (target at least 0.5); then the latency from a transaction's publish to its decision's arrival at a
 * read-committed consumer, p50 / p99 / max, at a fixed offered rate (target p99 at most 50 ms at 5,000/s), for
 * each commit interval of {@code -Dbench.commit-intervals} (default {@code 100,20} ms: the service's default and
 * a tighter one).
 *
 * <p>The broker is an in-JVM KRaft broker (sharing this JVM's cores), or the one {@code FLEET_TEST_KAFKA} names.
 * Throughput is counted from the first record processed to the last ({@code process-total}), so start-up and
 * rebalance are left out; the first fifth of the latency run is a warm-up and left out. A benchmark, not a test:
 * nothing is asserted.
 *
 * <p>Arguments (all optional): transactions (100000), accounts (10000), rate (5000/s), seconds (20).
 */
public final class RiskBenchmark {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final String PASS_THROUGH = "bench.risk.pass-through";
    private static final String[] COUNTRIES = {"DE", "FR", "IT", "ES", "NL", "AT"};

    private RiskBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int accounts = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        long[] commitIntervals = Arrays.stream(System.getProperty("bench.commit-intervals", "100,20").split(","))
                .mapToLong(Long::parseLong).toArray();
        String bootstrap = SharedKafka.bootstrapServers();
        createTopics(bootstrap);
        System.out.printf("risk benchmark: %,d transactions of %,d accounts, %d cores%n", transactions, accounts,
                Runtime.getRuntime().availableProcessors());

        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            Instant start = Instant.now().minus(Duration.ofHours(2));
            for (int i = 0; i < transactions; i++) {
                TransactionSubmitted tx = transaction("bulk-" + i, i % accounts, start.plusMillis(i * 50L));
                producer.send(record(tx));
            }
            producer.flush();
        }
        double passThrough = passThrough(bootstrap, transactions);
        System.out.printf("pass-through (consume -> produce, bytes copied): %,.0f records/s%n", passThrough);
        double scored = throughput(bootstrap, transactions, commitIntervals[0]);
        System.out.printf("scored (exactly_once_v2, commit %d ms): %,.0f transactions/s = %.2f of the pass-through "
                + "(target >= 0.50)%n", commitIntervals[0], scored, scored / passThrough);

        for (long commitInterval : commitIntervals) {
            latency(bootstrap, accounts, rate, seconds, commitInterval);
        }
        System.exit(0);
    }

    private static TransactionSubmitted transaction(String id, int account, Instant at) {
        return new TransactionSubmitted("bench-tenant", id, "account-" + account,
                new Money(Integer.toString(10 + (id.hashCode() & 0xff)) + ".00", "EUR"), "merchant-" + (account % 97),
                "5411", COUNTRIES[account % COUNTRIES.length], "device-" + account, "card_present", at, Map.of());
    }

    private static ProducerRecord<String, byte[]> record(TransactionSubmitted tx) {
        return new ProducerRecord<>(FleetTopics.TRANSACTIONS.name(), RiskTopology.accountKey(tx),
                SERDE.serialize(FleetTopics.TRANSACTIONS.name(), tx));
    }

    /** Records per second of a plain consumer copying every transaction's bytes to another topic. */
    private static double passThrough(String bootstrap, int records) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-pass-through-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.subscribe(List.of(FleetTopics.TRANSACTIONS.name()));
            long first = 0;
            int copied = 0;
            while (copied < records) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    producer.send(new ProducerRecord<>(PASS_THROUGH, record.key(), record.value()));
                    copied++;
                }
                consumer.commitAsync();
            }
            producer.flush();
            return copied / ((System.nanoTime() - first) / 1e9);
        }
    }

    /** Transactions per second through the risk topology, all input from the beginning. */
    private static double throughput(String bootstrap, int records, long commitInterval) throws Exception {
        try (KafkaStreams streams = new KafkaStreams(topology(), streamsConfig(bootstrap, commitInterval,
                "earliest"))) {
            streams.start();
            long[] first = {0};
            double[] processed = {0};
            try {
                // sampling the stream thread's process-total every 5 ms: its first and last record
                await("every transaction processed").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(5))
                        .pollInSameThread().until(() -> {
                            processed[0] = processTotal(streams);
                            if (first[0] == 0 && processed[0] > 0) {
                                first[0] = System.nanoTime();
                            }
                            return processed[0] >= records;
                        });
            } catch (ConditionTimeoutException e) {
                // the rate below covers what was processed
            }
            double rate = processed[0] / ((System.nanoTime() - first[0]) / 1e9);
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            return rate;
        }
    }

    /** Publish-to-decision latency at {@code rate} transactions per second for {@code seconds}. */
    private static void latency(String bootstrap, int accounts, int rate, int seconds, long commitInterval)
            throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = new ArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        try (KafkaStreams streams = new KafkaStreams(topology(), streamsConfig(bootstrap, commitInterval, "latest"))) {
            streams.start();
            await("risk topology running").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> streams.state() == KafkaStreams.State.RUNNING);
            KafkaConsumer<String, byte[]> decisions = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = decisions.partitionsFor(FleetTopics.RISK_DECISIONS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            decisions.assign(partitions);
            decisions.seekToEnd(partitions);
            partitions.forEach(decisions::position);
            Thread reader = new Thread(() -> {
                while (reading.get()) {
                    for (ConsumerRecord<String, byte[]> record : decisions.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        RiskDecision decision = SERDE.deserialize(FleetTopics.RISK_DECISIONS, record.value());
                        Long sent = sentAt.remove(decision.getTransactionId());
                        if (sent != null) {
                            synchronized (latencies) {
                                latencies.add(now - sent);
                            }
                        }
                    }
                }
                decisions.close();
            }, "bench-decisions");
            reader.start();
            // a probe's decision proves the topology's "latest" positions precede the measured sends
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                TransactionSubmitted probe = transaction("probe-" + UUID.randomUUID(), 0, Instant.now());
                sentAt.put(probe.getTransactionId(), System.nanoTime());
                producer.send(record(probe));
                producer.flush();
                await("the probe's decision").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                        .until(() -> !sentAt.containsKey(probe.getTransactionId()));
            }
            synchronized (latencies) {
                latencies.clear();
            }

            int total = rate * seconds;
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                long begin = System.nanoTime();
                long interval = 1_000_000_000L / rate;
                String run = UUID.randomUUID().toString().substring(0, 8);
                for (int i = 0; i < total; i++) {
                    long due = begin + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    TransactionSubmitted tx = transaction(run + "-" + i, i % accounts, Instant.now());
                    ProducerRecord<String, byte[]> record = record(tx);
                    sentAt.put(tx.getTransactionId(), System.nanoTime());
                    producer.send(record);
                }
                producer.flush();
            }
            try {
                await("the last decisions").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(sentAt::isEmpty);
            } catch (ConditionTimeoutException e) {
                // reported below as fewer decided than sent
            }
            reading.set(false);
            reader.join();
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
            long[] sorted;
            synchronized (latencies) {
                sorted = latencies.stream().skip(latencies.size() / 5).mapToLong(Long::longValue).sorted().toArray();
            }
            System.out.printf("latency at %,d transactions/s for %d s (exactly_once_v2, commit %d ms): %,d of %,d "
                    + "decided; after warm-up p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 <= 50 ms)%n",
                    rate, seconds, commitInterval, latencies.size(), total, percentile(sorted, 0.50),
                    percentile(sorted, 0.99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
        }
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    private static Topology topology() {
        return RiskTopology.build(SERDE, RiskFeatureSettings.DEFAULT, "bench-scorer");
    }

    private static Properties streamsConfig(String bootstrap, long commitInterval, String reset) throws Exception {
        Path stateDir = Files.createTempDirectory("bench-risk-");
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-risk-" + UUID.randomUUID());
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), reset);
        return config;
    }

    private static double processTotal(KafkaStreams streams) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : streams.metrics().entrySet()) {
            if (metric.getKey().group().equals("stream-thread-metrics")
                    && metric.getKey().name().equals("process-total")) {
                total += (Double) metric.getValue().metricValue();
            }
        }
        return total;
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(producerConfig(bootstrap), new StringSerializer(), new ByteArraySerializer());
    }

    /** The fleet's producer settings (idempotent, acks=all, linger 5 ms). */
    private static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return config;
    }

    private static void createTopics(String bootstrap) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<?> topic : FleetTopics.touchedBy(Party.SCORER)) {
            topics.add(new NewTopic(topic.name(), topic.partitions(), (short) 1));
            topics.add(new NewTopic(topic.dlq(), topic.partitions(), (short) 1));
        }
        topics.add(new NewTopic(PASS_THROUGH, FleetTopics.TRANSACTIONS.partitions(), (short) 1));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
