package dev.fleet.embedding.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.fleet.embedding.EmbeddingWorkerApplication;
import dev.fleet.embedding.domain.LangChainTextEmbedder;
import dev.fleet.embedding.domain.LengthGroupedEmbedder;
import dev.fleet.embedding.domain.TextEmbedder;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.SharedKafka;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * {@code scripts/fleet bench embeddings}: item embeddings per second through Kafka with one embedding-worker
 * (the real application: {@code fleet.items.v1} → micro-batches → {@code fleet.item-vectors.v1}, on an in-JVM
 * KRaft broker or the one {@code FLEET_TEST_KAFKA} names) divided by a raw loop over the same model, the same
 * batch size, group size and inference threads, on the same texts (target at least 0.9).
 *
 * <p>The texts are 4 to 120 words drawn from a fixed vocabulary with a fixed seed (mixed lengths, so the length
 * grouping matters). The raw loop calls the embedder the worker uses ({@link LengthGroupedEmbedder} over
 * {@link LangChainTextEmbedder}) batch after batch, after one warm-up batch. The Kafka run publishes every item
 * first, then starts the worker; its rate counts from the first vector's broker timestamp to the last one's, so
 * model loading, warm-up and the group's first rebalance are left out. A benchmark, not a test: nothing is
 * asserted.
 *
 * <p>Arguments (all optional): items (2000), batch size (64), threads (0 = one per processor), group size (16).
 */
public final class EmbeddingBenchmark {

    private static final String[] WORDS = ("the a fleet of services embeds texts from product catalogs and support "
            + "articles into vectors so that search and recommendations find related items quickly even when the "
            + "words differ cats dogs kafka partitions replicas models tokens batches threads latency throughput "
            + "orders invoices shipping returns warranty battery screen camera laptop phone garden kitchen")
            .split(" ");

    private EmbeddingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int threadsArg = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int groupSize = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int threads = threadsArg > 0 ? threadsArg : Runtime.getRuntime().availableProcessors();
        List<String> texts = texts(items);
        long words = texts.stream().mapToLong(t -> t.split(" ").length).sum();
        System.out.printf("embeddings benchmark: %,d items (%,.1f words on average), batch size %d, group size %d, "
                + "%d inference threads, %d cores%n", items, (double) words / items, batchSize, groupSize, threads,
                Runtime.getRuntime().availableProcessors());

        // raw, Kafka, raw again: on a shared machine the load drifts, so the Kafka run is set against the mean of
        // the raw runs around it
        Rate rawBefore = rawLoop(texts, batchSize, threads, groupSize);
        System.out.printf("raw loop (same embedder, batches of %d, %d threads): %s%n", batchSize, threads, rawBefore);
        Rate kafka = throughKafka(texts, batchSize, threads, groupSize);
        System.out.printf("through Kafka (one embedding-worker, fleet.items.v1 -> fleet.item-vectors.v1): %s%n",
                kafka);
        Rate rawAfter = rawLoop(texts, batchSize, threads, groupSize);
        System.out.printf("raw loop again: %s%n", rawAfter);
        double raw = (rawBefore.wall() + rawAfter.wall()) / 2;
        double rawCpu = (rawBefore.perCpuSecond() + rawAfter.perCpuSecond()) / 2;
        System.out.printf("through Kafka / raw loop (mean %,.1f/s) = %.2f (target >= 0.90); per CPU-second of this "
                + "JVM (broker included): %.2f%n", raw, kafka.wall() / raw, kafka.perCpuSecond() / rawCpu);
        System.exit(0);
    }

    static List<String> texts(int count) {
        Random random = new Random(42);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = 4 + random.nextInt(117);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < length; w++) {
                text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            texts.add(text.append('.').toString());
        }
        return texts;
    }

    /**
     * Embeddings per second of wall time, and per second of this JVM's CPU time (less sensitive to other
     * processes on a shared machine; in the Kafka pass it includes the in-JVM broker's and the clients' work).
     */
    record Rate(double wall, double perCpuSecond) {
        @Override
        public String toString() {
            return String.format("%,.1f embeddings/s (%,.1f per CPU-second)", wall, perCpuSecond);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Embeddings per second of the worker's embedder called in a loop, one batch at a time. */
    private static Rate rawLoop(List<String> texts, int batchSize, int threads, int groupSize) {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            TextEmbedder embedder = new LengthGroupedEmbedder(new LangChainTextEmbedder(KnowledgeClient.EMBEDDING_MODEL,
                    "bench", new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run),
                    new HuggingFaceTokenCountEstimator()), executor, threads, groupSize);
            embedder.embedAll(texts.subList(0, Math.min(batchSize, texts.size()))); // warm-up
            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            for (int from = 0; from < texts.size(); from += batchSize) {
                embedder.embedAll(texts.subList(from, Math.min(texts.size(), from + batchSize)));
            }
            return new Rate(texts.size() / ((System.nanoTime() - start) / 1e9),
                    texts.size() / ((cpuNanos() - cpuStart) / 1e9));
        } finally {
            executor.shutdownNow();
        }
    }

    /** Embeddings per second of one embedding-worker, from its first vector to its last. */
    private static Rate throughKafka(List<String> texts, int batchSize, int threads, int groupSize)
            throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        String tenant = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        // the worker provisions its topics; start it once on an empty run to have them, then stop it
        try (ConfigurableApplicationContext ignored = worker(bootstrap, batchSize, threads, groupSize)) {
            // topics exist now
        }
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()).serializer())) {
            for (int i = 0; i < texts.size(); i++) {
                ItemEvent item = ItemEvent.newBuilder().setTenantId(tenant).setCollection("docs").setItemId("i" + i)
                        .setChange(new ItemUpserted(texts.get(i), Map.of())).setOccurredAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(FleetTopics.ITEMS.name(), tenant + "/docs/i" + i, item));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, byte[]> vectors = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = vectors.partitionsFor(FleetTopics.ITEM_VECTORS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            vectors.assign(partitions);
            vectors.seekToEnd(partitions);
            partitions.forEach(vectors::position);
            Set<String> seen = new HashSet<>();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long cpuAtFirst = 0;
            int seenAtFirst = 0;
            long cpuAtLast = 0;
            try (ConfigurableApplicationContext ignored = worker(bootstrap, batchSize, threads, groupSize)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
                while (seen.size() < texts.size() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : vectors.poll(Duration.ofMillis(200))) {
                        if (record.key().startsWith(tenant + "/") && record.value() != null && seen.add(record.key())) {
                            first = Math.min(first, record.timestamp());
                            last = Math.max(last, record.timestamp());
                        }
                    }
                    if (seenAtFirst == 0 && !seen.isEmpty()) {
                        cpuAtFirst = cpuNanos();
                        seenAtFirst = seen.size();
                    }
                }
                cpuAtLast = cpuNanos();
            }
            if (seen.size() < 2 || last <= first) {
                throw new IllegalStateException("only " + seen.size() + " vectors arrived");
            }
            // the first vector's batch is not counted: its time starts before the first timestamp
            int firstBatch = Math.min(batchSize, seen.size() - 1);
            return new Rate((seen.size() - firstBatch) / ((last - first) / 1e3),
                    (seen.size() - seenAtFirst) / ((cpuAtLast - cpuAtFirst) / 1e9));
        }
    }

    private static ConfigurableApplicationContext worker(String bootstrap, int batchSize, int threads,
            int groupSize) {
        return new SpringApplicationBuilder(EmbeddingWorkerApplication.class).run(
                "--spring.kafka.bootstrap-servers=" + bootstrap,
                "--server.port=0",
                "--fleet.admin.token=" + UUID.randomUUID(),
                "--fleet.embedding.batch-size=" + batchSize,
                "--fleet.embedding.inference-threads=" + threads,
                "--fleet.embedding.group-size=" + groupSize,
                "--logging.level.root=WARN",
                "--spring.main.banner-mode=off");
    }
}
