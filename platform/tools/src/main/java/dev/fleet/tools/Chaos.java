package dev.fleet.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.tools.ChaosInvariants.DeadLetter;
import dev.fleet.tools.ChaosInvariants.Outcome;
import dev.fleet.tools.ChaosInvariants.Result;
import dev.fleet.tools.ChaosInvariants.UsageEvent;
import dev.fleet.tools.ChaosInvariants.Verdict;

/**
 * {@code chaos load} and {@code chaos check}: the Java half of {@code scripts/fleet chaos} (decision 0046). The
 * load creates a tenant and key, poisons one usage record on purpose, then runs a steady mixed load (chats,
 * embeddings, ingests, searches) until a stop file appears, writing every request's outcome to
 * {@code outcomes.jsonl}; the bash side injects the faults meanwhile. The check reads what the load recorded and
 * the topics and APIs of the fleet, and prints the invariants' table; exit 1 when one fails.
 */
final class Chaos {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = {"kafka", "partition", "replica", "tenant", "audit", "usage", "vector",
            "search", "broker", "consumer", "offset", "gateway", "ledger", "invoice", "quota", "embedding"};

    private final Map<String, String> options;
    private final Map<String, Object> clientConfig;
    private final PrintStream err;
    private final Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Chaos(Map<String, String> options, Map<String, Object> clientConfig, PrintStream err) {
        this.options = options;
        this.clientConfig = clientConfig;
        this.err = err;
    }

    static int run(List<String> args, PrintStream out, Map<String, Object> clientConfig) throws Exception {
        if (args.isEmpty()) {
            throw new UsageException("chaos needs load or check");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || i + 1 >= args.size()) {
                throw new UsageException("chaos: options are --name value pairs, not '" + a + "'");
            }
            options.put(a.substring(2), args.get(++i));
        }
        Chaos chaos = new Chaos(options, clientConfig, System.err);
        return switch (args.get(0)) {
            case "load" -> chaos.load();
            case "check" -> chaos.check(out);
            default -> throw new UsageException("chaos needs load or check");
        };
    }

    private String opt(String name, String def) {
        return options.getOrDefault(name, def);
    }

    private Path dir() {
        return Path.of(opt("dir", ".fleet/chaos"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // load

    int load() throws Exception {
        Path dir = dir();
        Files.createDirectories(dir);
        String gateway = opt("gateway", "http://127.0.0.1:8080");
        String admin = opt("admin", "http://127.0.0.1:8081");
        String token = Files.readString(Path.of(opt("token-file", ".fleet/admin-token"))).strip();
        double rate = Double.parseDouble(opt("rate", "4"));
        int workers = Integer.parseInt(opt("workers", "4"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(opt("request-timeout", "180")));
        Path stopFile = Path.of(opt("stop-file", dir.resolve("stop").toString()));
        Duration maxDuration = Duration.ofSeconds(Long.parseLong(opt("max-duration", "1800")));
        Instant startedAt = Instant.now();

        JsonNode tenant = adminCall(admin + "/admin/tenants", token,
                "{\"name\":\"chaos " + startedAt.toString() + "\",\"plan\":\"enterprise\"}");
        String tenantId = tenant.path("id").asText();
        JsonNode key = adminCall(admin + "/admin/tenants/" + tenantId + "/keys", token, "{\"name\":\"chaos\"}");
        String apiKey = key.path("key").asText();
        err.println("chaos: tenant " + tenantId);
        waitForKey(gateway, apiKey);

        String marker = "chaos-poison-" + UUID.randomUUID();
        poison(tenantId, marker);

        ObjectNode run = JSON.createObjectNode();
        run.put("tenant", tenantId).put("key", apiKey).put("startedAt", startedAt.toString())
                .put("poisonMarker", marker).put("poisonTopic", FleetTopics.USAGE.name() + Topic.DLQ_SUFFIX)
                .put("gateway", gateway);
        Files.writeString(dir.resolve("run.json"), run.toString());

        Path outcomesFile = dir.resolve("outcomes.jsonl");
        AtomicLong seq = new AtomicLong();
        long intervalNanos = (long) (1_000_000_000L / rate);
        long t0 = System.nanoTime();
        Instant deadline = startedAt.plus(maxDuration);
        try (Writer writer = Files.newBufferedWriter(outcomesFile)) {
            Consumer<ObjectNode> record = line -> {
                synchronized (writer) {
                    try {
                        writer.write(line.toString());
                        writer.write('\n');
                        writer.flush();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            for (int w = 0; w < workers; w++) {
                pool.submit(() -> {
                    while (!Files.exists(stopFile) && Instant.now().isBefore(deadline)) {
                        long n = seq.getAndIncrement();
                        long due = t0 + n * intervalNanos;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            try {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        record.accept(request(n, gateway, apiKey, timeout, marker));
                    }
                });
            }
            pool.shutdown();
            while (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                // in-flight requests end by their timeout
            }
        }
        err.println("chaos: load ended after " + seq.get() + " requests");
        return 0;
    }

    private ObjectNode request(long n, String gateway, String apiKey, Duration timeout, String marker) {
        String kind = switch ((int) (n % 4)) {
            case 0 -> "chat";
            case 1 -> "embed";
            case 2 -> "ingest";
            default -> "search";
        };
        String word = WORDS[(int) (n % WORDS.length)];
        String itemId = null;
        String itemText = null;
        String path;
        String body;
        switch (kind) {
            case "chat" -> {
                path = "/v1/chat/completions";
                body = "{\"model\":\"extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"What is a " + word
                        + "?\"}],\"metadata\":{\"collection\":\"chaos\"}}";
            }
            case "embed" -> {
                path = "/v1/embeddings";
                body = "{\"model\":\"all-minilm-l6-v2\",\"input\":[\"the " + word + " number " + n + "\"]}";
            }
            case "ingest" -> {
                path = "/v1/collections/chaos/items";
                itemId = "chaos-" + n;
                itemText = itemText(n);
                ObjectNode item = JSON.createObjectNode().put("id", itemId).put("text", itemText);
                ObjectNode items = JSON.createObjectNode();
                items.putArray("items").add(item);
                body = items.toString();
            }
            default -> {
                path = "/v1/collections/chaos/search";
                body = "{\"query\":\"" + word + "\",\"top_k\":3}";
            }
        }
        long started = System.nanoTime();
        ObjectNode line = JSON.createObjectNode().put("n", n).put("kind", kind).put("at", Instant.now().toString());
        if (itemId != null) {
            line.put("itemId", itemId).put("itemText", itemText);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(timeout)
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            line.put("status", status).put("result", status / 100 == 2 ? "ANSWER" : "ERROR");
            if (status / 100 != 2) {
                line.put("detail", abbreviate(response.body()));
            }
        } catch (HttpConnectTimeoutException | ConnectException e) {
            line.put("status", 0).put("result", "REFUSED").put("detail", String.valueOf(e.getMessage()));
        } catch (HttpTimeoutException e) {
            line.put("status", 0).put("result", "HANG").put("detail", "no answer within " + timeout);
        } catch (IOException e) {
            line.put("status", 0).put("result", connectFailure(e) ? "REFUSED" : "ERROR")
                    .put("detail", e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            line.put("status", 0).put("result", "ERROR").put("detail", "interrupted");
        }
        line.put("millis", (System.nanoTime() - started) / 1_000_000);
        return line;
    }

    private static boolean connectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** A unique text for item n, so a search by it finds that item first. */
    static String itemText(long n) {
        return "chaos item " + n + ": the " + WORDS[(int) (n % WORDS.length)] + " "
                + WORDS[(int) ((n / 3) % WORDS.length)] + " " + WORDS[(int) ((n / 7) % WORDS.length)] + " note "
                + Long.toString(n * 7919L, 36);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) : s;
    }

    private JsonNode adminCall(String url, String token, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    private void waitForKey(String gateway, String apiKey) throws Exception {
        Instant until = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(until)) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/models"))
                    .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + apiKey).build();
            if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the gateway did not accept the new key within 60 s");
    }

    /** One garbage value on fleet.usage.v1 for the suite's tenant: metering must dead-letter it, once. */
    private void poison(String tenantId, String marker) throws Exception {
        Properties properties = new Properties();
        properties.putAll(clientConfig);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(FleetTopics.USAGE.name(),
                    tenantId.getBytes(StandardCharsets.UTF_8), marker.getBytes(StandardCharsets.UTF_8));
            record.headers().add(FleetHeaders.TENANT_ID, tenantId.getBytes(StandardCharsets.UTF_8));
            record.headers().add(FleetHeaders.EVENT_ID, marker.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // check

    int check(PrintStream out) throws Exception {
        Path dir = dir();
        JsonNode run = JSON.readTree(Files.readString(dir.resolve("run.json")));
        String tenantId = run.path("tenant").asText();
        String apiKey = run.path("key").asText();
        String gateway = run.path("gateway").asText();
        Instant startedAt = Instant.parse(run.path("startedAt").asText());
        String marker = run.path("poisonMarker").asText();
        String poisonTopic = run.path("poisonTopic").asText();
        String token = Files.readString(Path.of(opt("token-file", ".fleet/admin-token"))).strip();
        String usageUrl = opt("usage", "http://127.0.0.1:8084");
        String auditUrl = opt("audit", "http://127.0.0.1:8085");
        Duration settle = Duration.ofSeconds(Long.parseLong(opt("settle", "120")));
        List<Outcome> outcomes = readOutcomes(dir.resolve("outcomes.jsonl"));
        FleetSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

        List<Verdict> verdicts = new ArrayList<>();
        verdicts.add(ChaosInvariants.requestsEnded(outcomes));

        // searchable: every accepted ingest, searched by its exact text, until found or the settle time is up
        Map<String, Set<String>> found = new HashMap<>();
        Instant searchUntil = Instant.now().plus(settle);
        List<Outcome> ingests = outcomes.stream().filter(o -> o.kind().equals("ingest")).toList();
        do {
            for (String id : ChaosInvariants.unfound(outcomes, found)) {
                Outcome o = ingests.stream().filter(i -> id.equals(i.itemId())).findFirst().orElseThrow();
                found.put(id, search(gateway, apiKey, o.itemText()));
            }
        } while (!ChaosInvariants.unfound(outcomes, found).isEmpty() && Instant.now().isBefore(searchUntil)
                && pause());
        verdicts.add(ChaosInvariants.itemsSearchable(outcomes, found));

        // usage: the tenant's events on fleet.usage.v1 against metering's totals, until equal or settled
        Instant usageUntil = Instant.now().plus(settle);
        List<UsageEvent> usage;
        Map<String, Long> metered;
        do {
            usage = usageEvents(serde, tenantId);
            metered = metered(usageUrl, token, tenantId, startedAt);
        } while (!ChaosInvariants.meteringMatches(usage, metered).pass() && Instant.now().isBefore(usageUntil)
                && pause());
        verdicts.add(ChaosInvariants.usageOneUsagePerEventId(usage));
        verdicts.add(ChaosInvariants.meteringMatches(usage, metered));

        // audit: the tenant's domain events against its audit rows, until equal or settled
        Instant auditUntil = Instant.now().plus(settle);
        List<String> events;
        List<String> rows;
        do {
            events = domainEventIds(serde, tenantId);
            rows = auditEventIds(auditUrl, token, tenantId);
        } while (!ChaosInvariants.auditMatches(events, rows).pass() && Instant.now().isBefore(auditUntil)
                && pause());
        verdicts.add(ChaosInvariants.auditMatches(events, rows));

        // dead letters written since the run started, in every *.dlq topic
        Instant dlqUntil = Instant.now().plus(settle);
        List<DeadLetter> letters;
        do {
            letters = deadLetters(startedAt, marker);
        } while (!ChaosInvariants.deadLetters(letters, poisonTopic, marker).pass()
                && Instant.now().isBefore(dlqUntil) && pause());
        verdicts.add(ChaosInvariants.deadLetters(letters, poisonTopic, marker));

        out.println("tenant " + tenantId + ", load from " + startedAt.truncatedTo(ChronoUnit.SECONDS));
        out.print(ChaosInvariants.table(verdicts));
        return verdicts.stream().allMatch(Verdict::pass) ? 0 : 1;
    }

    private static boolean pause() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    static List<Outcome> readOutcomes(Path file) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode o = JSON.readTree(line);
            outcomes.add(new Outcome(o.path("kind").asText(), Result.valueOf(o.path("result").asText()),
                    o.path("status").asInt(), o.path("millis").asLong(),
                    o.hasNonNull("itemId") ? o.get("itemId").asText() : null,
                    o.hasNonNull("itemText") ? o.get("itemText").asText() : null));
        }
        return outcomes;
    }

    private Set<String> search(String gateway, String apiKey, String text) {
        Set<String> ids = new HashSet<>();
        try {
            ObjectNode body = JSON.createObjectNode().put("query", text).put("top_k", 5);
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/collections/chaos/search"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + apiKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JSON.readTree(response.body()).path("results").forEach(r -> ids.add(r.path("id").asText()));
            }
        } catch (IOException e) {
            // not found this time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ids;
    }

    private Map<String, Long> metered(String usageUrl, String token, String tenantId, Instant startedAt) {
        Map<String, Long> totals = new HashMap<>();
        try {
            String from = startedAt.truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS).toString();
            String to = Instant.now().plus(1, ChronoUnit.HOURS).toString();
            String url = usageUrl + "/usage/" + tenantId + "?granularity=hour&from=" + enc(from) + "&to=" + enc(to);
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JSON.readTree(response.body()).path("totals").fields()
                        .forEachRemaining(e -> totals.put(e.getKey(), e.getValue().asLong()));
            } else {
                warn("chaos: usage-metering answered " + response.statusCode() + ": " + abbreviate(response.body()));
            }
        } catch (IOException e) {
            warn("chaos: usage-metering: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return totals;
    }

    private List<String> auditEventIds(String auditUrl, String token, String tenantId) {
        List<String> ids = new ArrayList<>();
        long after = 0;
        try {
            while (true) {
                String url = auditUrl + "/audit/events?tenant=" + enc(tenantId) + "&limit=1000&after=" + after;
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token).build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    warn("chaos: audit answered " + response.statusCode() + ": " + abbreviate(response.body()));
                    return ids;
                }
                JsonNode page = JSON.readTree(response.body()).path("events");
                if (page.isEmpty()) {
                    return ids;
                }
                for (JsonNode e : page) {
                    ids.add(e.path("event_id").asText());
                    after = Math.max(after, e.path("seq").asLong());
                }
            }
        } catch (IOException e) {
            warn("chaos: audit: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ids;
    }

    /** A message once, however often the checker retries. */
    private void warn(String message) {
        if (warned.add(message)) {
            err.println(message);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private List<UsageEvent> usageEvents(FleetSerde serde, String tenantId) {
        List<UsageEvent> events = new ArrayList<>();
        readTopic(FleetTopics.USAGE.name(), record -> {
            if (!tenantId.equals(FleetHeaders.get(record.headers(), FleetHeaders.TENANT_ID).orElse(null))) {
                return;
            }
            try {
                UsageRecorded usage = serde.deserialize(FleetTopics.USAGE, record.value());
                String eventId = FleetHeaders.get(record.headers(), FleetHeaders.EVENT_ID)
                        .orElse(record.topic() + "/" + record.partition() + "/" + record.offset());
                events.add(new UsageEvent(eventId, usage.getMeter().name().toLowerCase(java.util.Locale.ROOT),
                        usage.getQuantity()));
            } catch (RuntimeException e) {
                // the poisoned record (or another undecodable one: the dead-letter check counts those)
            }
        });
        return events;
    }

    private List<String> domainEventIds(FleetSerde serde, String tenantId) {
        List<String> ids = new ArrayList<>();
        readTopic(FleetTopics.DOMAIN_EVENTS.name(), record -> {
            try {
                DomainEvent event = serde.deserialize(FleetTopics.DOMAIN_EVENTS, record.value());
                if (tenantId.equals(event.getTenantId())) {
                    ids.add(event.getEventId());
                }
            } catch (RuntimeException e) {
                // not ours to judge here
            }
        });
        return ids;
    }

    private List<DeadLetter> deadLetters(Instant since, String marker) throws Exception {
        List<String> topics;
        try (Admin admin = Admin.create(clientConfig)) {
            topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.endsWith(Topic.DLQ_SUFFIX)).sorted().toList();
        }
        List<DeadLetter> letters = new ArrayList<>();
        for (String topic : topics) {
            readTopic(topic, record -> {
                if (record.timestamp() < since.toEpochMilli()) {
                    return;
                }
                String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
                letters.add(new DeadLetter(topic, value.equals(marker) ? marker : null));
            });
        }
        return letters;
    }

    /** Every record of a topic from its beginning to its end now (read_committed, no group). */
    private void readTopic(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = TopicTail.consumer(clientConfig)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant until = Instant.now().plusSeconds(120);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && Instant.now().isBefore(until)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
            }
        }
    }
}
