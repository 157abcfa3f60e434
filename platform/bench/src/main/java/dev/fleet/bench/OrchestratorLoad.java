package dev.fleet.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatMessage;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.schemas.FleetTopics;

/**
 * The orchestrator's chat path under many concurrent streams, driven as gateways would drive it
 * but without one: {@code concurrency} closed-loop clients each publish a ChatRequested to
 * {@code fleet.chat.requests.v1} and wait for its last ChatChunk on {@code fleet.chat.replies.v1},
 * then ask again. The same clients are first run straight against the model endpoint (the
 * simulator), so the comparison is "through the orchestrator" against "direct", on this machine.
 * Records are Avro single-object encoded with the generated classes' own encoders (the fleet's
 * wire format), headers {@code event-id} and {@code tenant-id} as a gateway sets them.
 * <pre>java -cp … dev.fleet.bench.OrchestratorLoad [--bootstrap 127.0.0.1:9092]
 *     [--simulator http://127.0.0.1:18080] [--model sim-model] [--concurrency 1000] [--seconds 30]
 *     [--warmup-seconds 10] [--tenants 100] [--single 20] [--cpu-pid PID]</pre>
 * Prints {@code direct_one …} (one stream at a time, direct), {@code direct …} and
 * {@code orchestrated …} (latency percentiles of the answers that ended in the measured window, closed loop at
 * {@code concurrency}), and {@code throughput …} (completions/s of both, the ideal
 * concurrency ÷ one stream's latency, the ratios and the errors).
 * Limits: the clients, the model simulator and the orchestrator share the machine's cores.
 */
public final class OrchestratorLoad {

    private final Map<String, String> flags;
    private final int concurrency;
    private final Duration warmup;
    private final Duration measured;
    private final String model;

    private OrchestratorLoad(Map<String, String> flags) {
        this.flags = flags;
        this.concurrency = Integer.parseInt(flags.get("concurrency"));
        this.warmup = Duration.ofSeconds(Long.parseLong(flags.get("warmup-seconds")));
        this.measured = Duration.ofSeconds(Long.parseLong(flags.get("seconds")));
        this.model = flags.get("model");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = Flags.parse(args, Map.of("bootstrap", "127.0.0.1:9092",
                "simulator", "http://127.0.0.1:18080", "model", "sim-model", "concurrency", "1000",
                "seconds", "30", "warmup-seconds", "10", "tenants", "100", "single", "20", "cpu-pid", ""));
        new OrchestratorLoad(flags).run();
        System.exit(0); // the HTTP client's and Kafka's threads
    }

    private void run() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<Long> single = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(flags.get("single")) + 3; i++) {
            long start = System.nanoTime();
            directStream(http).join();
            if (i >= 3) { // the first ones open connections and warm up
                single.add(System.nanoTime() - start);
            }
        }
        Percentiles one = Percentiles.of(single);
        System.out.println(one.line("direct_one"));

        Window direct = closedLoop("direct", slot -> directStream(http));
        System.out.println(direct.latencies().line("direct"));

        try (Orchestrated orchestrated = new Orchestrated(flags.get("bootstrap"),
                Integer.parseInt(flags.get("tenants")))) {
            Window through = closedLoop("orchestrated", slot -> orchestrated.chat(slot));
            if (through.latencyNanos().isEmpty()) {
                throw new IllegalStateException("no request through the orchestrator was answered in the window "
                        + "(more warm-up? --warmup-seconds)");
            }
            System.out.println(through.latencies().line("orchestrated"));
            double ideal = concurrency / (one.p50Millis() / 1000);
            System.out.printf(java.util.Locale.ROOT, "throughput concurrency=%d one_stream_ms=%.1f ideal_per_s=%.1f "
                    + "direct_per_s=%.1f direct_ratio=%.3f orchestrated_per_s=%.1f ratio=%.3f errors=%d "
                    + "direct_errors=%d%n", concurrency, one.p50Millis(), ideal, direct.perSecond(),
                    direct.perSecond() / ideal, through.perSecond(), through.perSecond() / ideal, through.errors(),
                    direct.errors());
            if (through.cpuMillis() >= 0 && through.completed() > 0) {
                System.out.printf(java.util.Locale.ROOT, "orchestrator_cpu window_cpu_ms=%d completions=%d "
                        + "ms_per_completion=%.2f cores_used=%.2f%n", through.cpuMillis(), through.completed(),
                        (double) through.cpuMillis() / through.completed(),
                        through.cpuMillis() / (double) measured.toMillis());
            }
        }
    }

    /** One streamed answer straight from the model endpoint; completes after its last byte. */
    private CompletableFuture<Boolean> directStream(HttpClient http) {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hello?\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(flags.get("simulator") + "/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> response.statusCode() == 200 && response.body().contains("[DONE]"))
                .exceptionally(error -> false);
    }

    /** What one closed-loop run measured. */
    private record Window(List<Long> latencyNanos, long completed, long errors, Duration length, long cpuMillis) {

        Percentiles latencies() {
            return Percentiles.of(latencyNanos);
        }

        double perSecond() {
            return completed / (length.toNanos() / 1e9);
        }
    }

    /** One client's next request: completes with whether it succeeded, when its answer has ended. */
    @FunctionalInterface
    private interface Client {
        CompletableFuture<Boolean> ask(int slot);
    }

    /**
     * {@code concurrency} clients asking one after the other for warm-up plus the measured window;
     * counts the completions, and their latencies, that ended inside the window.
     */
    private Window closedLoop(String label, Client client) throws InterruptedException {
        long begin = System.nanoTime();
        long from = begin + warmup.toNanos();
        long until = from + measured.toNanos();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        for (int slot = 0; slot < concurrency; slot++) {
            loop(slot, client, from, until, latencies, completed, errors, stop);
        }
        System.err.printf("%s: %d clients, %d s warm-up, %d s measured ...%n", label, concurrency,
                warmup.toSeconds(), measured.toSeconds());
        Thread.sleep(Math.max(0, Duration.ofNanos(from - System.nanoTime()).toMillis()));
        long cpuFrom = cpuMillis();
        Thread.sleep(Math.max(0, Duration.ofNanos(until - System.nanoTime()).toMillis()));
        long cpuUntil = cpuMillis();
        stop.set(true);
        return new Window(new ArrayList<>(latencies), completed.get(), errors.get(), measured,
                cpuFrom < 0 || cpuUntil < 0 ? -1 : cpuUntil - cpuFrom);
    }

    /**
     * CPU time (user + system, ms) the process {@code --cpu-pid} has used so far, from
     * {@code /proc/PID/stat} (clock ticks of 10 ms); -1 without the flag or on another OS.
     */
    private long cpuMillis() {
        String pid = flags.get("cpu-pid");
        if (pid == null || pid.isBlank()) {
            return -1;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime (fields 14, 15)
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private void loop(int slot, Client client, long from, long until, List<Long> latencies, AtomicLong completed,
            AtomicLong errors, AtomicBoolean stop) {
        if (stop.get()) {
            return;
        }
        long start = System.nanoTime();
        // async: an answer that fails at once must not recurse on this stack
        client.ask(slot).whenCompleteAsync((ok, error) -> {
            long end = System.nanoTime();
            if (end >= from && end < until) {
                if (Boolean.TRUE.equals(ok)) {
                    completed.incrementAndGet();
                    latencies.add(end - start); // of every answer that ended in the window
                } else {
                    errors.incrementAndGet();
                }
            }
            loop(slot, client, from, until, latencies, completed, errors, stop);
        });
    }

    /** The orchestrator reached through Kafka: a producer of requests and a reader of every reply partition. */
    private final class Orchestrated implements AutoCloseable {

        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, byte[]> replies;
        private final Map<String, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
        private final List<String> tenants = new ArrayList<>();
        private final Thread reader;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong chunks = new AtomicLong();
        private final AtomicLong undecodable = new AtomicLong();
        private volatile boolean open = true;

        Orchestrated(String bootstrap, int tenantCount) {
            for (int i = 0; i < tenantCount; i++) {
                tenants.add(UUID.randomUUID().toString()); // a tenant's id, as a gateway sets its key's
            }
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new ByteArraySerializer());
            replies = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.CLIENT_ID_CONFIG, "bench-replies-" + UUID.randomUUID()),
                    new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = replies.partitionsFor(FleetTopics.CHAT_REPLIES.name(),
                    Duration.ofSeconds(30)).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            replies.assign(partitions);
            replies.seekToEnd(partitions);
            partitions.forEach(replies::position); // resolve "end" now, before any request is sent
            reader = new Thread(this::read, "bench-replies");
            reader.start();
        }

        CompletableFuture<Boolean> chat(int slot) {
            String requestId = UUID.randomUUID().toString();
            String tenant = tenants.get(slot % tenants.size());
            ChatRequested request = ChatRequested.newBuilder()
                    .setRequestId(requestId)
                    .setTenantId(tenant)
                    .setConversationId(UUID.randomUUID().toString())
                    .setModel(model)
                    .setMessages(List.of(ChatMessage.newBuilder().setRole(ChatRole.USER).setContent("Hello?")
                            .build()))
                    .setStream(true)
                    .setMetadata(Map.of())
                    .setReplyTo("bench")
                    .setRequestedAt(Instant.now())
                    .build();
            CompletableFuture<Boolean> answered = new CompletableFuture<>();
            pending.put(requestId, answered);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(FleetTopics.CHAT_REQUESTS.name(),
                    request.getConversationId(), encode(request));
            record.headers().add("event-id", requestId.getBytes(StandardCharsets.UTF_8));
            record.headers().add("tenant-id", tenant.getBytes(StandardCharsets.UTF_8));
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    sent.incrementAndGet();
                } else if (pending.remove(requestId) != null) {
                    answered.complete(false);
                }
            });
            return answered;
        }

        private void read() {
            while (open) {
                for (ConsumerRecord<String, byte[]> record : replies.poll(Duration.ofMillis(100))) {
                    CompletableFuture<Boolean> waiting = pending.get(record.key());
                    if (waiting == null) {
                        continue;
                    }
                    chunks.incrementAndGet();
                    ChatChunk chunk = decode(record.value());
                    if (chunk == null) {
                        undecodable.incrementAndGet();
                    } else if (chunk.getFinishReason() != null && pending.remove(record.key()) != null) {
                        waiting.complete(chunk.getFinishReason() == FinishReason.STOP);
                    }
                }
            }
        }

        private static byte[] encode(ChatRequested request) {
            try {
                ByteBuffer buffer = ChatRequested.getEncoder().encode(request);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static ChatChunk decode(byte[] bytes) {
            try {
                return ChatChunk.getDecoder().decode(bytes);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public void close() throws InterruptedException {
            System.err.printf("orchestrated: %d requests acknowledged by the broker, %d reply chunks of them read "
                    + "(%d undecodable), %d requests unanswered%n", sent.get(), chunks.get(), undecodable.get(),
                    pending.size());
            open = false;
            reader.join(5_000);
            replies.close(Duration.ofSeconds(2));
            producer.close(Duration.ofSeconds(5));
        }
    }
}
