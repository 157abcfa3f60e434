package dev.fleet.scorer.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.fleet.events.v1.ItemVector;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.ItemKey;
import dev.fleet.scorer.ScorerApplication;
import dev.fleet.scorer.domain.CollectionSearch;
import dev.fleet.scorer.domain.ShardStates;
import dev.fleet.scorer.domain.VectorIndex;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;

/**
 * {@code scripts/fleet bench search}: the scorer's search path through Kafka ÷ the same search in process on the
 * same data (target ≥ 0.8), and queries/s with one and with two scorer replicas (issue 8).
 *
 * <ol>
 * <li>Two data sets of {@code items} random normalized 384-d vectors go to {@code fleet.item-vectors.v1}: one
 * tenant's single collection (the data {@code bench scorer}'s kernel scans: every query scans all the items), also
 * loaded into an in-process {@link VectorIndex}; and another tenant's items spread over {@code collections}
 * collections, so that they land on several partitions and two replicas can share them.</li>
 * <li><b>in process</b>: one thread calls {@link CollectionSearch#answer} (what {@code bench scorer}'s JMH benchmark
 * measures: {@code VectorIndex.search}, top-10, no filter) on the single collection with rotating queries.</li>
 * <li><b>through Kafka, one replica</b>: a scorer application context (the service as it runs, one listener
 * thread) answers {@code ScoreRequested} records published to {@code fleet.score.requests.v1} by a closed loop
 * holding {@code inflight} requests; each query's time runs from its publish to its {@code ScoreResult} arriving
 * at a plain consumer of {@code fleet.score.replies.v1}: queries/s, p50/p99 — first over the single collection
 * (÷ in process: the ratio, target ≥ 0.8), then over the spread collections.</li>
 * <li><b>two replicas</b>: a second context joins the group, each holds about half the partitions (decision
 * 0034); the spread collections' loop again.</li>
 * </ol>
 * Each phase has a warm-up ({@code seconds}/4) left out. The broker is an in-JVM KRaft broker (sharing this JVM's
 * cores) or the one {@code FLEET_TEST_KAFKA} names; both replicas share this JVM and machine, so the two-replica
 * figure shows what a second replica adds on the same cores, not on a second machine. A benchmark: nothing is
 * asserted.
 *
 * <p>Arguments (all optional): items (100000), collections (8), seconds per phase (20), inflight (8).
 */
public final class SearchBenchmark {

    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final int DIMENSIONS = 384;
    private static final int TOP_K = 10;
    private static final int QUERIES = 64;
    private static final int PARTITIONS = FleetTopics.ITEM_VECTORS.partitions();
    private static final String ONE_COLLECTION = "bench-search-one-" + UUID.randomUUID();
    private static final String SPREAD = "bench-search-spread-" + UUID.randomUUID();
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    private SearchBenchmark() {
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            run(args);
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // the in-JVM broker's threads would keep the JVM alive
    }

    private static void run(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int collections = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int inflight = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        System.out.printf("search-bench items=%d collections=%d seconds=%d inflight=%d dimensions=%d top-k=%d%n",
                items, collections, seconds, inflight, DIMENSIONS, TOP_K);

        String bootstrap = SharedKafka.bootstrapServers();
        String group = "bench-scorer-" + UUID.randomUUID();
        ConfigurableApplicationContext first = replica(bootstrap, group); // provisions the topics
        ConfigurableApplicationContext second = null;
        try (KafkaProducer<String, SpecificRecord> producer = producer(bootstrap)) {
            await().atMost(LOAD_TIMEOUT).until(() -> first.getBean(ShardStates.class).allReady());
            // the ratio's data: one collection of all the items, as bench scorer's kernel scans them
            VectorIndex local = new VectorIndex();
            publishItems(producer, local, ONE_COLLECTION, items, 1);
            // the replicas' data: the same number of items over several collections (so several partitions)
            publishItems(producer, null, SPREAD, items, collections);
            await().atMost(LOAD_TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .until(() -> first.getBean(VectorIndex.class).size() == 2 * items);
            System.out.printf("# loaded 2 x %d items into the replica, %d into the in-process index%n", items, items);

            List<ScoreRequested> single = queries(ONE_COLLECTION, 1);
            List<ScoreRequested> spread = queries(SPREAD, collections);
            Result inProcess = inProcess(new CollectionSearch(local, 100), single, seconds);
            Result ratio;
            Result one;
            Result two;
            try (Replies replies = new Replies(bootstrap)) {
                ratio = throughKafka(producer, replies, single, seconds, inflight);
                one = throughKafka(producer, replies, spread, seconds, inflight);
                second = replica(bootstrap, group);
                ConfigurableApplicationContext joined = second;
                await().atMost(LOAD_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() ->
                        first.getBean(ShardStates.class).snapshot().size()
                                + joined.getBean(ShardStates.class).snapshot().size() == PARTITIONS
                        && first.getBean(ShardStates.class).allReady() && joined.getBean(ShardStates.class).allReady()
                        && first.getBean(VectorIndex.class).size() + joined.getBean(VectorIndex.class).size()
                                == 2 * items);
                System.out.printf("# two replicas: %d and %d items%n", first.getBean(VectorIndex.class).size(),
                        joined.getBean(VectorIndex.class).size());
                two = throughKafka(producer, replies, spread, seconds, inflight);
            }

            System.out.println();
            System.out.println("scorer search: top-" + TOP_K + ", normalized " + DIMENSIONS + "-d vectors");
            System.out.printf("%-52s %10s %10s %10s %8s%n", "path", "queries/s", "p50 ms", "p99 ms", "errors");
            print("in process, one thread, 1 collection of " + items, inProcess);
            print("through Kafka, 1 replica, 1 collection of " + items, ratio);
            print("through Kafka, 1 replica, " + collections + " collections", one);
            print("through Kafka, 2 replicas, " + collections + " collections", two);
            System.out.printf("through Kafka ÷ in process (1 collection of %d): %.2f (target >= 0.8)%n", items,
                    ratio.perSecond() / inProcess.perSecond());
            System.out.printf("2 replicas ÷ 1 replica (%d collections): %.2f (same JVM, same %d cores)%n", collections,
                    two.perSecond() / one.perSecond(), Runtime.getRuntime().availableProcessors());
        } finally {
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }

    private static ConfigurableApplicationContext replica(String bootstrap, String group) {
        return new SpringApplicationBuilder(ScorerApplication.class).run(
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                "--spring.kafka.consumer.group-id=" + group,
                "--fleet.scorer.risk.application-id=" + group + "-risk",
                "--spring.main.banner-mode=off", "--server.port=0");
    }

    private static KafkaProducer<String, SpecificRecord> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20, ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000),
                new StringSerializer(), SERDE.serializer());
    }

    /** Publishes the tenant's items; into {@code local} too, unless null. */
    private static void publishItems(KafkaProducer<String, SpecificRecord> producer, VectorIndex local, String tenant,
            int items, int collections) {
        Random random = new Random(8);
        for (int i = 0; i < items; i++) {
            String collection = "c" + (i % collections);
            String itemId = "item-" + i;
            float[] floats = new float[DIMENSIONS];
            List<Float> vector = new ArrayList<>(DIMENSIONS);
            for (int d = 0; d < DIMENSIONS; d++) {
                floats[d] = (float) random.nextGaussian();
                vector.add(floats[d]);
            }
            ItemVector item = ItemVector.newBuilder().setTenantId(tenant).setCollection(collection).setItemId(itemId)
                    .setModel("bench-384d").setVector(vector).setText("").setMetadata(Map.of()).build();
            producer.send(new ProducerRecord<>(FleetTopics.ITEM_VECTORS.name(), home(tenant, collection),
                    tenant + "/" + collection + "/" + itemId, item));
            if (local != null) {
                local.upsert(new ItemKey(tenant, collection, itemId), floats, "", Map.of());
            }
        }
        producer.flush();
    }

    private static List<ScoreRequested> queries(String tenant, int collections) {
        Random random = new Random(42);
        List<ScoreRequested> queries = new ArrayList<>(QUERIES);
        for (int i = 0; i < QUERIES; i++) {
            List<Float> vector = new ArrayList<>(DIMENSIONS);
            for (int d = 0; d < DIMENSIONS; d++) {
                vector.add((float) random.nextGaussian());
            }
            queries.add(ScoreRequested.newBuilder().setRequestId("q" + i).setTenantId(tenant)
                    .setCollection("c" + (i % collections)).setQueryVector(vector).setTopK(TOP_K)
                    .setReplyTo("bench").setRequestedAt(Instant.now()).build());
        }
        return queries;
    }

    private static Result inProcess(CollectionSearch kernel, List<ScoreRequested> queries, int seconds) {
        long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 4));
        int i = 0;
        while (System.nanoTime() < warmUpEnd) {
            kernel.answer(queries.get(i++ % queries.size()));
        }
        long[] times = new long[1 << 20];
        int n = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long now = start;
        while (now < end && n < times.length) {
            kernel.answer(queries.get(i++ % queries.size()));
            long after = System.nanoTime();
            times[n++] = after - now;
            now = after;
        }
        return Result.of(Arrays.copyOf(times, n), now - start, 0);
    }

    /**
     * A closed loop: {@code inflight} requests outstanding, a new one published as each reply arrives, over the
     * query rotation; the warm-up quarter is left out.
     */
    private static Result throughKafka(KafkaProducer<String, SpecificRecord> producer, Replies replies,
            List<ScoreRequested> queries, int seconds, int inflight) throws InterruptedException {
        runLoop(producer, replies, queries, TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 4)), inflight);
        return runLoop(producer, replies, queries, TimeUnit.SECONDS.toNanos(seconds), inflight);
    }

    private static Result runLoop(KafkaProducer<String, SpecificRecord> producer, Replies replies,
            List<ScoreRequested> queries, long nanos, int inflight) throws InterruptedException {
        Semaphore slots = new Semaphore(inflight);
        long[] times = new long[1 << 20];
        AtomicLong count = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + nanos;
        int i = 0;
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(1, TimeUnit.SECONDS)) {
                continue;
            }
            ScoreRequested query = ScoreRequested.newBuilder(queries.get(i++ % queries.size()))
                    .setRequestId(UUID.randomUUID().toString()).setRequestedAt(Instant.now()).build();
            long sent = System.nanoTime();
            replies.expect(query.getRequestId(), result -> {
                long n = count.getAndIncrement();
                if (n < times.length) {
                    times[(int) n] = System.nanoTime() - sent;
                }
                if (result.getError() != null) {
                    errors.incrementAndGet();
                }
                slots.release();
            });
            producer.send(new ProducerRecord<>(FleetTopics.SCORE_REQUESTS.name(),
                    home(query.getTenantId(), query.getCollection()),
                    query.getRequestId(), query));
        }
        long elapsed = System.nanoTime() - start;
        // the ones still out are not counted; wait for them so the next phase starts idle
        slots.tryAcquire(inflight, 60, TimeUnit.SECONDS);
        int n = (int) Math.min(count.get(), times.length);
        return Result.of(Arrays.copyOf(times, n), elapsed, errors.get());
    }

    private static int home(String tenant, String collection) {
        return CollectionPartition.of(tenant, collection, PARTITIONS);
    }

    private static void print(String path, Result result) {
        System.out.printf("%-52s %10.1f %10.2f %10.2f %8d%n", path, result.perSecond(), result.p50Millis(),
                result.p99Millis(), result.errors());
    }

    /** Queries answered in a phase, its length and the per-query times (ns). */
    private record Result(long[] sortedTimes, long elapsedNanos, long errors) {

        static Result of(long[] times, long elapsedNanos, long errors) {
            Arrays.sort(times);
            return new Result(times, elapsedNanos, errors);
        }

        double perSecond() {
            return sortedTimes.length / (elapsedNanos / 1e9);
        }

        double p50Millis() {
            return percentile(0.50);
        }

        double p99Millis() {
            return percentile(0.99);
        }

        private double percentile(double q) {
            return sortedTimes.length == 0 ? Double.NaN
                    : sortedTimes[(int) Math.min(sortedTimes.length - 1, q * sortedTimes.length)] / 1e6;
        }
    }

    /** A plain consumer of every score-replies partition from its end, completing the expected request ids. */
    private static final class Replies implements AutoCloseable {

        private final Map<String, Consumer<ScoreResult>> expected = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Replies(String bootstrap) {
            KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5), new StringDeserializer(), SERDE.deserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(FleetTopics.SCORE_REPLIES.name())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // the end, before anything is sent
            thread = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
                            var done = expected.remove(record.key());
                            if (done != null && record.value() instanceof ScoreResult result) {
                                done.accept(result);
                            }
                        }
                    }
                }
            }, "bench-score-replies");
            thread.start();
        }

        void expect(String requestId, Consumer<ScoreResult> done) {
            expected.put(requestId, done);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
