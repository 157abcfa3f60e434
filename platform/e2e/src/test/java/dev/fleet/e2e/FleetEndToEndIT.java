package dev.fleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.RiskCaseOutcome;
import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.OtlpTraceReceiver;
import dev.fleet.test.ReceivedSpan;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.browser.ConsoleBrowser;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.SyntheticTransactions;
import dev.fleet.test.TopicProbe;
import dev.fleet.test.TopicReader;

/**
 * The whole fleet, end to end: the six services as separate JVMs from their runnable jars,
 * against one real Kafka broker (KRaft, in this JVM) and the real PostgreSQL, with an
 * OpenAI-compatible simulator as the external chat model. One tenant walks through the main flows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetEndToEndIT {

    private static final String ADMIN_TOKEN = "e2e-admin-" + UUID.randomUUID();
    private static final String SIM_MODEL = "sim-model";
    private static final Duration STARTUP = Duration.ofSeconds(240);
    private static final Duration FLOW = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final Map<String, FleetProcess> fleet = new LinkedHashMap<>();
    private static OpenAiSimulator simulator;
    private static OtlpTraceReceiver collector;
    private static TopicProbe probe;

    private static String tenantId;
    private static String keyId;
    private static String apiKey;
    private static String riskTenantId;

    @BeforeAll
    static void startFleet() throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent().getParent();
        String bootstrap = SharedKafka.bootstrapServers();
        probe = new TopicProbe(bootstrap);
        simulator = OpenAiSimulator.start();
        collector = OtlpTraceReceiver.start();
        Path stateDir = Files.createTempDirectory("fleet-e2e-state");
        List<String> services = List.of("orchestrator", "embedding-worker", "scorer", "usage-metering", "audit",
                "gateway");
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : services) {
            ports.put(name, FleetProcess.freePort());
        }
        String consoleProbes = ports.entrySet().stream()
                .map(e -> e.getKey() + "=http://127.0.0.1:" + e.getValue()).collect(Collectors.joining(","));
        Map<String, String> env = Map.ofEntries(
                // the console's Fleet page probes every replica
                Map.entry("FLEET_CONSOLE_SERVICES", consoleProbes),
                Map.entry("FLEET_CONSOLE_GATEWAY_URL", "http://127.0.0.1:" + ports.get("gateway")),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
                Map.entry("FLEET_POSTGRES_URL", SharedPostgres.url()),
                Map.entry("FLEET_POSTGRES_USER", SharedPostgres.user()),
                Map.entry("FLEET_ADMIN_TOKEN", ADMIN_TOKEN),
                Map.entry("FLEET_OPENAI_BASE_URL", simulator.baseUrl()),
                Map.entry("FLEET_OPENAI_API_KEY", "sim-key"),
                Map.entry("FLEET_OPENAI_MODELS", SIM_MODEL),
                Map.entry("FLEET_STATE_DIR", stateDir.toString()),
                Map.entry("FLEET_OTLP_ENDPOINT", collector.endpoint()),
                // every spike of the risk test needs two reviewers
                Map.entry("FLEET_RISK_FOUR_EYES_AMOUNT", "100"));
        for (String name : services) {
            fleet.put(name, FleetProcess.start(repo, name, env, ports.get(name)));
        }
        for (FleetProcess process : fleet.values()) {
            try {
                await(process.name() + " ready").atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                        .until(process::isReady);
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException(process.name() + " not ready in " + STARTUP + "; log tail:\n"
                        + process.logTail(), e);
            }
        }
    }

    @AfterAll
    static void stopFleet() {
        fleet.values().forEach(FleetProcess::close);
        if (simulator != null) {
            simulator.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    @Order(1)
    void keyIssuedOnTheOrchestratorAuthenticatesOnTheGateway() throws Exception {
        JsonNode tenant = admin("POST", "/admin/tenants", Map.of("name", "E2E Co", "plan", "pro"), 201);
        tenantId = tenant.path("id").asText();
        JsonNode key = admin("POST", "/admin/tenants/" + tenantId + "/keys", Map.of(), 201);
        keyId = key.path("id").asText();
        apiKey = key.path("key").asText();
        assertThat(apiKey).startsWith("fk-");

        await("key materialized on the gateway").atMost(FLOW).pollInterval(Duration.ofMillis(250))
                .until(() -> gateway("GET", "/v1/models", null, apiKey).statusCode() == 200);
        JsonNode models = JSON.readTree(gateway("GET", "/v1/models", null, apiKey).body());
        assertThat(models.path("data").findValuesAsText("id")).contains("extractive", "all-minilm-l6-v2", SIM_MODEL);

        assertThat(gateway("GET", "/v1/models", null, "fk-not-a-key").statusCode()).isEqualTo(401);
        assertThat(gateway("GET", "/v1/models", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(2)
    void embeddingsHave384Dimensions() throws Exception {
        HttpResponse<String> response = gateway("POST", "/v1/embeddings",
                Map.of("model", "all-minilm-l6-v2", "input", List.of("hello", "world")), apiKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode data = JSON.readTree(response.body()).path("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(0).path("embedding")).hasSize(384);
    }

    @Test
    @Order(3)
    void extractiveModelAnswersFromTheMatchingDocument() throws Exception {
        String kafka = "Apache Kafka stores streams of records in partitioned, replicated topics.";
        String postgres = "PostgreSQL is a relational database with transactions and SQL.";
        String bread = "Sourdough bread rises because wild yeast ferments the dough.";
        HttpResponse<String> ingest = gateway("POST", "/v1/collections/kb/items", Map.of("items", List.of(
                item("kafka", kafka), item("postgres", postgres), item("bread", bread))), apiKey);
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(202);

        await("items searchable").atMost(FLOW).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> search = gateway("POST", "/v1/collections/kb/search",
                    Map.of("query", "How does bread rise?", "top_k", 2), apiKey);
            return search.statusCode() == 200
                    && "bread".equals(JSON.readTree(search.body()).path("results").path(0).path("id").asText());
        });

        HttpResponse<String> answer = gateway("POST", "/v1/chat/completions", Map.of("model", "extractive",
                "stream", false, "metadata", Map.of("collection", "kb"),
                "messages", List.of(Map.of("role", "user", "content", "What makes sourdough bread rise?"))), apiKey);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode completion = JSON.readTree(answer.body());
        assertThat(completion.path("choices").path(0).path("message").path("content").asText()).contains(bread);
        assertThat(completion.path("usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    @Order(4)
    void oneChatIsOneTraceAcrossTheServicesItPasses() throws Exception {
        // given the collection of the test before; when one extractive chat is answered, asked within
        // a caller's trace
        String callerTrace = UUID.randomUUID().toString().replace("-", "");
        long sentAt = System.currentTimeMillis() * 1_000_000;
        HttpRequest chat = HttpRequest.newBuilder(URI.create(fleet.get("gateway").url() + "/v1/chat/completions"))
                .timeout(FLOW).header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .header("traceparent", "00-" + callerTrace + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("model", "extractive",
                        "stream", false, "metadata", Map.of("collection", "kb"),
                        "messages", List.of(Map.of("role", "user", "content", "Why does the dough rise?"))))))
                .build();
        HttpResponse<String> answer = HTTP.send(chat, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        // then the gateway's HTTP server span continues the caller's trace
        await("the gateway's server span").atMost(FLOW).pollInterval(Duration.ofMillis(500))
                .until(() -> collector.trace(callerTrace).stream().anyMatch(span -> span.service().equals("gateway")
                        && span.kind() == ReceivedSpan.SERVER && span.parentSpanId().equals("00f067aa0ba902b7")));

        // and the trace its request record started holds spans of gateway, orchestrator, embedding
        // worker (the query's embedding), scorer (the search) and audit (the completion's domain
        // event), exported over OTLP
        List<String> expected = List.of("gateway", "orchestrator", "embedding-worker", "scorer", "audit");
        try {
            await("spans of one chat from " + expected).atMost(FLOW).pollInterval(Duration.ofMillis(500))
                    .until(() -> chatTraces(sentAt).stream().anyMatch(trace -> services(trace).containsAll(expected)));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("traces of the chat: " + chatTraces(sentAt).stream()
                    .map(trace -> trace.get(0).traceId() + " " + services(trace)).toList(), e);
        }
        List<ReceivedSpan> trace = chatTraces(sentAt).stream()
                .filter(spans -> services(spans).containsAll(expected)).findFirst().orElseThrow();
        ReceivedSpan request = trace.stream().filter(span -> span.service().equals("gateway")
                && span.kind() == ReceivedSpan.PRODUCER && span.name().startsWith(FleetTopics.CHAT_REQUESTS.name()))
                .findFirst().orElseThrow();
        assertThat(trace).as("the orchestrator's consumer span is the child of the gateway's producer span")
                .anySatisfy(span -> {
                    assertThat(span.service()).isEqualTo("orchestrator");
                    assertThat(span.kind()).isEqualTo(ReceivedSpan.CONSUMER);
                    assertThat(span.parentSpanId()).isEqualTo(request.spanId());
                });
        // and that trace is the caller's, the gateway's HTTP server span the producer span's parent (decision 0052)
        assertThat(request.traceId()).isEqualTo(callerTrace);
        assertThat(trace).as("the gateway's HTTP server span is the parent of its producer span").anySatisfy(span -> {
            assertThat(span.service()).isEqualTo("gateway");
            assertThat(span.kind()).isEqualTo(ReceivedSpan.SERVER);
            assertThat(span.parentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(request.parentSpanId()).isEqualTo(span.spanId());
        });
    }

    /** The traces (their spans so far) started by a chat request the gateway published after {@code sentAt}. */
    private static List<List<ReceivedSpan>> chatTraces(long sentAt) {
        return collector.spans().stream()
                .filter(span -> span.service().equals("gateway") && span.kind() == ReceivedSpan.PRODUCER
                        && span.name().startsWith(FleetTopics.CHAT_REQUESTS.name()) && span.startEpochNanos() >= sentAt)
                .map(ReceivedSpan::traceId).distinct().map(collector::trace).toList();
    }

    private static java.util.Set<String> services(List<ReceivedSpan> trace) {
        return trace.stream().map(ReceivedSpan::service).collect(java.util.stream.Collectors.toCollection(
                java.util.TreeSet::new));
    }

    @Test
    @Order(5)
    void chatCompletionStreamsThroughTheExternalModel() throws Exception {
        String question = "What is the fleet?";

        HttpResponse<String> stream = gateway("POST", "/v1/chat/completions", Map.of("model", SIM_MODEL,
                "stream", true, "messages", List.of(Map.of("role", "user", "content", question))), apiKey);

        assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
        List<String> events = stream.body().lines().filter(l -> l.startsWith("data:"))
                .map(l -> l.substring(5).trim()).toList();
        assertThat(events).last().isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            content.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertThat(content.toString()).isEqualTo(OpenAiSimulator.answerTo(question));
    }

    @Test
    @Order(6)
    void chatCompletionWithoutStreamingCarriesUsage() throws Exception {
        String question = "And without streaming?";

        HttpResponse<String> response = gateway("POST", "/v1/chat/completions", Map.of("model", SIM_MODEL,
                "stream", false, "messages", List.of(Map.of("role", "user", "content", question))), apiKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode completion = JSON.readTree(response.body());
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("choices").path(0).path("message").path("content").asText())
                .isEqualTo(OpenAiSimulator.answerTo(question));
        assertThat(completion.path("usage").path("prompt_tokens").asInt()).isPositive();
    }

    @Test
    @Order(7)
    void storedResponseIsContinuedRetrievedAndDeletedAcrossGatewayAndOrchestrator() throws Exception {
        // given a response stored by the orchestrator
        HttpResponse<String> first = gateway("POST", "/v1/responses", Map.of("model", SIM_MODEL,
                "instructions", "Be brief.", "input", "My name is Ada."), apiKey);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String id = JSON.readTree(first.body()).path("id").asText();

        // when the next turn continues it
        HttpResponse<String> second = gateway("POST", "/v1/responses", Map.of("model", SIM_MODEL,
                "input", "What is my name?", "previous_response_id", id), apiKey);

        // then the model sees the earlier turn (not its instructions), and the response names the one it continues
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).path("previous_response_id").asText()).isEqualTo(id);
        JsonNode sent = simulator.requests().stream().filter(r -> r.path("messages").findValuesAsText("content")
                .contains("What is my name?")).reduce((a, b) -> b).orElseThrow();
        assertThat(sent.path("messages").findValuesAsText("content")).containsExactly("My name is Ada.",
                OpenAiSimulator.answerTo("My name is Ada."), "What is my name?");

        // and the stored response and its input items are served, then deleted
        HttpResponse<String> retrieved = gateway("GET", "/v1/responses/" + id, null, apiKey);
        assertThat(retrieved.statusCode()).as(retrieved.body()).isEqualTo(200);
        assertThat(JSON.readTree(retrieved.body()).path("output").path(0).path("content").path(0).path("text")
                .asText()).isEqualTo(OpenAiSimulator.answerTo("My name is Ada."));
        HttpResponse<String> items = gateway("GET", "/v1/responses/" + id + "/input_items", null, apiKey);
        assertThat(JSON.readTree(items.body()).path("data").path(0).path("content").path(0).path("text").asText())
                .isEqualTo("My name is Ada.");
        HttpResponse<String> deleted = gateway("DELETE", "/v1/responses/" + id, null, apiKey);
        assertThat(JSON.readTree(deleted.body()).path("deleted").asBoolean()).as(deleted.body()).isTrue();
        assertThat(gateway("GET", "/v1/responses/" + id, null, apiKey).statusCode()).isEqualTo(404);
        await("deletion audited").atMost(FLOW).pollInterval(Duration.ofMillis(500))
                .until(() -> auditEvents().findValuesAsText("type").contains("ResponseDeleted"));
    }

    @Test
    @Order(8)
    void poisonRecordLandsInTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        String poisonKey = "poison-" + UUID.randomUUID();
        byte[] poison = "this is not an avro record".getBytes(StandardCharsets.UTF_8);

        probe.sendRaw(FleetTopics.CHAT_REQUESTS.name(), poisonKey, poison);

        ConsumerRecord<byte[], byte[]> dead = probe.awaitKey(FleetTopics.CHAT_REQUESTS.dlq(), poisonKey, FLOW);
        assertThat(dead.value()).isEqualTo(poison);
        // the next request on the same partition (the topic is keyed by conversation id) is still answered
        HttpResponse<String> after = gateway("POST", "/v1/chat/completions", Map.of("model", SIM_MODEL,
                "metadata", Map.of("conversation_id", poisonKey),
                "messages", List.of(Map.of("role", "user", "content", "still there?"))), apiKey);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }

    @Test
    @Order(9)
    void usageAppearsInMetering() {
        await("usage metered").atMost(FLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> usage = send("GET", fleet.get("usage-metering").url() + "/usage/" + tenantId, null,
                    ADMIN_TOKEN);
            assertThat(usage.statusCode()).as(usage.body()).isEqualTo(200);
            JsonNode totals = JSON.readTree(usage.body()).path("totals");
            assertThat(totals.path("prompt_tokens").asLong()).isPositive();
            assertThat(totals.path("completion_tokens").asLong()).isPositive();
            assertThat(totals.path("embedding_tokens").asLong()).isPositive();
        });
    }

    @Test
    @Order(10)
    void eachDomainEventHasExactlyOneAuditRowEvenWhenDeliveredTwice() throws Exception {
        await("audit rows").atMost(FLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode events = auditEvents();
            assertThat(events.findValuesAsText("type")).contains("TenantCreated", "ApiKeyIssued",
                    "CompletionSucceeded");
        });

        // given: a domain event of this tenant, as it sits on the topic
        AvroSingleObjectSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
        ConsumerRecord<byte[], byte[]> original = probe.await(FleetTopics.DOMAIN_EVENTS.name(),
                r -> r.value() != null && tenantId.equals(serde.deserialize(FleetTopics.DOMAIN_EVENTS, r.value())
                        .getTenantId()), FLOW);
        DomainEvent event = serde.deserialize(FleetTopics.DOMAIN_EVENTS, original.value());

        // when: it is delivered again (same bytes, same headers), then the key is revoked (a later event, same partition)
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                SharedKafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(original.topic(), null, original.key(), original.value(),
                    original.headers())).get();
        }
        admin("DELETE", "/admin/keys/" + keyId, null, 204);
        await("revocation audited").atMost(FLOW).pollInterval(Duration.ofMillis(500))
                .until(() -> auditEvents().findValuesAsText("type").contains("ApiKeyRevoked"));

        // then: still one row for the redelivered event, and one row per event id overall
        assertThat(auditRows(event.getEventId())).isEqualTo(1);
        List<String> ids = auditEvents().findValuesAsText("event_id");
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    @Order(11)
    void revokedKeyIsRefused() {
        await("revocation reaches the gateway").atMost(FLOW).pollInterval(Duration.ofMillis(250))
                .until(() -> gateway("GET", "/v1/models", null, apiKey).statusCode() == 401);
    }

    @Test
    @Order(12)
    void everyServiceReportsLivenessAndPrometheusMetrics() throws Exception {
        for (FleetProcess process : fleet.values()) {
            HttpResponse<String> liveness = send("GET", process.url() + "/actuator/health/liveness", null, null);
            HttpResponse<String> metrics = send("GET", process.url() + "/actuator/prometheus", null, null);

            assertThat(liveness.statusCode()).as(process.name() + " liveness").isEqualTo(200);
            assertThat(metrics.statusCode()).as(process.name() + " prometheus").isEqualTo(200);
            assertThat(metrics.body()).as(process.name() + " metrics").contains("jvm_memory_used_bytes");
        }
    }

    /**
     * The quota overshoot bound (decision 0019): a tenant's usage can pass its monthly quota only by the
     * requests admitted before the gateway learned that it was exceeded — those in flight when the usage
     * crossed the limit, and those started while the state travelled (metering writes it within 1 s, the
     * gateway's mirror applies it within 2 s). Eight clients spend a small quota as fast as they can; the test
     * measures when the crossing happened and when the first refusal came, and checks that nothing started
     * after that refusal was admitted and that the overshoot is within the bound.
     */
    @Test
    @Order(13)
    void quotaOvershootIsBoundedByTheRequestsAdmittedBeforeTheGatewayKnew() throws Exception {
        long limit = 3_000;
        JsonNode tenant = admin("POST", "/admin/tenants", Map.of("name", "Quota Co", "plan", "pro",
                "limits", Map.of("rpm", 100_000, "tpm", 10_000_000, "monthly_tokens", limit)), 201);
        String quotaTenant = tenant.path("id").asText();
        String key = admin("POST", "/admin/tenants/" + quotaTenant + "/keys", Map.of(), 201).path("key").asText();
        await("key materialized on the gateway").atMost(FLOW).pollInterval(Duration.ofMillis(250))
                .until(() -> gateway("GET", "/v1/models", null, key).statusCode() == 200);
        String marker = "quota probe";
        simulator.whenAsked(marker, simulator.defaults().withTimeToFirstToken(Duration.ofMillis(100))
                .withAnswerTokens(100));

        // when: 8 clients send requests until refused (at most 150 each)
        int clients = 8;
        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            loops.add(pool.submit(() -> {
                for (int i = 0; i < 150; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> response = gateway("POST", "/v1/chat/completions", Map.of("model", SIM_MODEL,
                            "messages", List.of(Map.of("role", "user", "content", marker + " " + client + "/" + i))),
                            key);
                    long end = System.nanoTime();
                    JsonNode body = JSON.readTree(response.body());
                    if (response.statusCode() == 429) {
                        assertThat(body.path("error").path("code").asText()).as(response.body())
                                .isEqualTo("insufficient_quota");
                        calls.add(new Call(start, end, -1));
                        return null;
                    }
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    calls.add(new Call(start, end, body.path("usage").path("total_tokens").asLong()));
                }
                return null;
            }));
        }
        for (Future<?> loop : loops) {
            loop.get(3, TimeUnit.MINUTES);
        }
        pool.shutdown();
        simulator.reset();

        // then: every client was refused in the end
        List<Call> admitted = calls.stream().filter(call -> call.tokens() >= 0)
                .sorted(Comparator.comparingLong(Call::end)).toList();
        List<Call> refused = calls.stream().filter(call -> call.tokens() < 0).toList();
        assertThat(refused).as("every client refused once the quota was exceeded").hasSize(clients);
        // the crossing: when the admitted requests' usage, in the order they finished, passed the limit
        long used = 0;
        long crossedAt = Long.MAX_VALUE;
        for (Call call : admitted) {
            used += call.tokens();
            if (used > limit) {
                crossedAt = call.end();
                break;
            }
        }
        long crossing = crossedAt;
        assertThat(crossing).as("the clients used more than the limit").isLessThan(Long.MAX_VALUE);
        long firstRefusalDone = refused.stream().mapToLong(Call::end).min().orElseThrow();
        // nothing started after the gateway had refused once was admitted
        assertThat(admitted).as("admitted after the first refusal").noneMatch(call -> call.start() > firstRefusalDone);
        // the state reached the gateway within metering's 1 s + the gateway's 2 s (+1 s for a loaded CI machine)
        assertThat(Duration.ofNanos(firstRefusalDone - crossing)).isLessThan(Duration.ofSeconds(4));
        // the overshoot is what the requests admitted before the gateway knew used beyond the limit
        long total = admitted.stream().mapToLong(Call::tokens).sum();
        long maxPerRequest = admitted.stream().mapToLong(Call::tokens).max().orElseThrow();
        long inFlightAtCrossing = admitted.stream().filter(c -> c.start() <= crossing && c.end() > crossing).count();
        long startedWhileTravelling = admitted.stream()
                .filter(c -> c.start() > crossing && c.start() <= firstRefusalDone).count();
        long overshoot = total - limit;
        System.out.printf("quota overshoot: limit %d, used %d (+%d), %d in flight at the crossing, %d started in the "
                + "%d ms until the first refusal, max %d tokens per request%n", limit, total, overshoot,
                inFlightAtCrossing, startedWhileTravelling, Duration.ofNanos(firstRefusalDone - crossing).toMillis(),
                maxPerRequest);
        // (+ 1: the request whose usage crossed the limit counts beyond it too)
        assertThat(overshoot).isLessThanOrEqualTo((1 + inFlightAtCrossing + startedWhileTravelling) * maxPerRequest);
        // and metering billed exactly what the clients were told
        await("quota usage metered").atMost(FLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> usage = send("GET", fleet.get("usage-metering").url() + "/usage/" + quotaTenant,
                    null, ADMIN_TOKEN);
            JsonNode totals = JSON.readTree(usage.body()).path("totals");
            assertThat(totals.path("prompt_tokens").asLong() + totals.path("completion_tokens").asLong())
                    .isEqualTo(total);
        });
    }

    /**
     * Issue 9's proof across the running fleet: a product app publishes a week of 2,000 synthetic transactions of
     * 100 accounts straight to Kafka, with bursts across countries and amounts far above history injected; the
     * scorer flags every injected one and at most 1 % of the others; a flagged spike becomes a case that two
     * reviewers approve (the e2e fleet's four-eyes amount is 100), its outcome reaches the product app, and every
     * step of it has its audit row.
     */
    @Test
    @Order(14)
    void riskFlagsTheInjectedFraudAndTwoReviewersApproveACaseWithAnAuditRowPerStep() throws Exception {
        // given a week of transactions of a new tenant, published as a product app does
        String riskTenant = admin("POST", "/admin/tenants", Map.of("name", "Risk Co", "plan", "pro"), 201)
                .path("id").asText();
        riskTenantId = riskTenant;
        List<SyntheticTransactions.Labelled> week = new SyntheticTransactions(20261201L, riskTenant,
                Instant.now().minus(Duration.ofDays(8))).generate(100, 2_000, List.of(7, 42), List.of(13, 58, 91));
        AvroSingleObjectSerde serde = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (SyntheticTransactions.Labelled labelled : week) {
                TransactionSubmitted tx = labelled.tx();
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(FleetTopics.TRANSACTIONS.name(),
                        riskTenant + "/" + tx.getAccountId(), serde.serialize(FleetTopics.TRANSACTIONS.name(), tx));
                record.headers().add(FleetHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
                record.headers().add(FleetHeaders.TENANT_ID, riskTenant.getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }

        // when the scorer has decided every one of them
        Map<String, RiskDecision> decisions = new HashMap<>();
        try (TopicReader<byte[], byte[]> reader = TopicReader.raw(FleetTopics.RISK_DECISIONS.name())) {
            await("2,000 decisions").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : reader.drain(r -> r.value() != null && r.key() != null
                        && new String(r.key(), StandardCharsets.UTF_8).startsWith(riskTenant + "/"))) {
                    RiskDecision decision = serde.deserialize(FleetTopics.RISK_DECISIONS, r.value());
                    decisions.put(decision.getTransactionId(), decision);
                }
                return decisions.size() >= week.size();
            });
        }

        // then every injected fraud transaction is flagged, and at most 1 % of the others
        assertThat(decisions).hasSize(week.size());
        List<RiskDecision> fraud = week.stream().filter(l -> l.kind() == SyntheticTransactions.Kind.FRAUD)
                .map(l -> decisions.get(l.tx().getTransactionId())).toList();
        assertThat(fraud).hasSize(9).allSatisfy(d -> assertThat(d.getVerdict()).as(d.getTransactionId())
                .isIn(RiskVerdict.REVIEW, RiskVerdict.DECLINE));
        long normal = week.size() - fraud.size();
        long flaggedNormal = week.stream().filter(l -> l.kind() == SyntheticTransactions.Kind.NORMAL)
                .map(l -> decisions.get(l.tx().getTransactionId()))
                .filter(d -> d.getVerdict() != RiskVerdict.APPROVE).count();
        assertThat(flaggedNormal).isLessThanOrEqualTo(normal / 100);

        // and a reviewed spike is a case: two reviewers approve it
        RiskDecision spike = fraud.stream().filter(d -> d.getVerdict() == RiskVerdict.REVIEW).findFirst().orElseThrow();
        String cases = "/admin/tenants/" + riskTenant + "/risk/cases";
        JsonNode opened = await("case opened").atMost(FLOW).pollInterval(Duration.ofMillis(500)).until(
                () -> findCase(admin("GET", cases + "?status=open&limit=100", null, 200), spike.getTransactionId()),
                c -> c != null);
        String caseId = opened.path("id").asText();
        Map<String, String> ann = Map.of("resolution", "approve", "reviewer", "ann", "reason", "called the customer");
        Map<String, String> bob = Map.of("resolution", "approve", "reviewer", "bob", "reason", "confirmed by ann");
        assertThat(admin("POST", cases + "/" + caseId + "/decision", ann, 200).path("status").asText())
                .isEqualTo("open");
        assertThat(admin("POST", cases + "/" + caseId + "/decision", bob, 200).path("status").asText())
                .isEqualTo("decided");

        // and the outcome reaches the product app, and each step has its audit row
        try (TopicReader<byte[], byte[]> outcomes = TopicReader.raw(FleetTopics.RISK_CASE_OUTCOMES.name())) {
            ConsumerRecord<byte[], byte[]> record = outcomes.awaitRecord(r -> r.value() != null && caseId.equals(
                    serde.deserialize(FleetTopics.RISK_CASE_OUTCOMES, r.value()).getCaseId()), FLOW);
            RiskCaseOutcome outcome = serde.deserialize(FleetTopics.RISK_CASE_OUTCOMES, record.value());
            assertThat(outcome.getResolution()).isEqualTo(RiskCaseResolution.APPROVED);
            assertThat(outcome.getReviewers()).containsExactly("ann", "bob");
            assertThat(outcome.getTransactionId()).isEqualTo(spike.getTransactionId());
        }
        await("each step audited").atMost(FLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> audit = send("GET", fleet.get("audit").url() + "/audit/events?tenant=" + riskTenant
                    + "&limit=1000", null, ADMIN_TOKEN);
            List<String> steps = new ArrayList<>();
            for (JsonNode event : JSON.readTree(audit.body()).path("events")) {
                if (("risk-case/" + caseId).equals(event.path("subject").asText())) {
                    steps.add(event.path("type").asText() + " by " + event.path("actor").asText());
                }
            }
            assertThat(steps).containsExactlyInAnyOrder("RiskCaseOpened by orchestrator", "RiskCaseReviewed by ann",
                    "RiskCaseDecided by bob");
        });
    }

    /**
     * The console in Chromium against the running fleet: sign in through the form, and the Fleet page shows all
     * six services ready and their consumer groups; both pages pass axe-core.
     */
    @Test
    @Order(15)
    void theConsoleSignsInAndShowsEveryServiceReady() {
        try (ConsoleBrowser browser = ConsoleBrowser.start()) {
            String console = fleet.get("orchestrator").url() + "/console";
            browser.open(console + "/login");
            browser.assertAccessible("login");
            browser.screenshot("login");
            signIn(browser, console, "Ada");

            browser.open(console + "/fleet");
            for (String service : fleet.keySet()) {
                await(service + " ready on the Fleet page").atMost(FLOW).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> {
                            browser.open(console + "/fleet");
                            assertThat(browser.driver().findElements(By.xpath("//tr[td[1][normalize-space()='"
                                    + service + "']]/td[3]"))).extracting(WebElement::getText).containsExactly("UP");
                        });
            }
            assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("fleet.chat.requests.v1");
            browser.assertAccessible("fleet");
            browser.screenshot("fleet");

            // and what the console cannot find is a page of its own, framed like the others
            browser.open(console + "/tenants/00000000-0000-0000-0000-00000000dead");
            assertThat(browser.waitFor(By.tagName("h1")).getText()).isEqualTo("Not found");
            browser.assertAccessible("error");
        }
    }

    /**
     * The console's control-plane path in Chromium: create a tenant, issue a key (shown once) and use it on the
     * gateway; give the tenant a prompt with two versions, move its production label to the second after the
     * confirmation, and the playground renders the second and sends it through the gateway as the tenant, with
     * the key from the page: the model receives the second version as its system message.
     */
    @Test
    @Order(16)
    void theConsoleCreatesATenantIssuesAKeyMovesAPromptLabelAndThePlaygroundUsesIt() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.start()) {
            String console = fleet.get("orchestrator").url() + "/console";
            signIn(browser, console, "Ada");

            // a tenant and a key, through the pages
            browser.open(console + "/tenants");
            browser.waitFor(By.id("name")).sendKeys("Console Co");
            new Select(browser.driver().findElement(By.id("plan"))).selectByValue("pro");
            browser.driver().findElement(By.xpath("//button[normalize-space()='Create tenant']")).click();
            browser.await(ExpectedConditions.urlMatches("/console/tenants/[0-9a-f-]{36}"));
            String tenantPage = browser.driver().getCurrentUrl().replaceAll("\\?.*$", "");
            String consoleTenant = tenantPage.substring(tenantPage.lastIndexOf('/') + 1);
            browser.waitFor(By.xpath("//button[normalize-space()='Issue a key']")).click();
            String key = browser.waitFor(By.id("issued-key")).getText().strip();
            assertThat(key).startsWith("fk-");
            await("the console's key works on the gateway").atMost(FLOW).pollInterval(Duration.ofMillis(250))
                    .until(() -> gateway("GET", "/v1/models", null, key).statusCode() == 200);

            // a prompt of two versions; production moves from the first to the second after its confirmation
            browser.open(tenantPage + "/prompts");
            browser.waitFor(By.id("prompt-name")).sendKeys("greeting");
            browser.driver().findElement(By.id("prompt-template")).sendKeys("You are {{tone}}. Version one.");
            browser.driver().findElement(By.id("prompt-labels")).sendKeys("production");
            browser.driver().findElement(By.xpath("//button[normalize-space()='Save version']")).click();
            browser.open(tenantPage + "/prompts/greeting");
            WebElement next = browser.waitFor(By.id("version-template"));
            next.clear(); // the form starts from the latest version's text
            next.sendKeys("You are {{tone}}. Version two.");
            browser.driver().findElement(By.xpath("//button[normalize-space()='Save as the next version']")).click();
            browser.open(tenantPage + "/prompts/greeting");
            browser.waitFor(By.id("move-label")).sendKeys("production");
            new Select(browser.driver().findElement(By.id("move-version"))).selectByValue("2");
            browser.driver().findElement(By.xpath("//button[normalize-space()='Review the move']")).click();
            browser.waitFor(By.xpath("//button[normalize-space()='Move production to version 2']")).click();
            browser.await(ExpectedConditions.urlContains("done="));

            // the playground renders production (now version 2) and sends it through the gateway as the tenant
            simulator.recording(true).forgetRequests();
            browser.open(tenantPage + "/prompts/greeting/playground?selection=label:production");
            browser.waitFor(By.name("var_tone")).sendKeys("patient");
            WebElement model = browser.driver().findElement(By.id("pg-model"));
            model.clear();
            model.sendKeys(SIM_MODEL);
            browser.driver().findElement(By.id("pg-key")).sendKeys(key);
            browser.driver().findElement(By.xpath("//button[normalize-space()='Render and send']")).click();
            assertThat(browser.waitFor(By.id("rendered")).getText()).isEqualTo("You are patient. Version two.");
            assertThat(browser.waitFor(By.id("answer")).getText()).isNotBlank();
            assertThat(browser.driver().getPageSource()).doesNotContain(key);
            assertThat(simulator.requests()).anySatisfy(request -> assertThat(request.path("messages").path(0)
                    .path("content").asText()).contains("You are patient. Version two."));
            simulator.recording(false);
            assertThat(consoleTenant).isNotEqualTo(tenantId);
        }
    }

    /**
     * Four eyes in the console: a held spike of the risk tenant (above the e2e fleet's four-eyes amount) is
     * approved by Ann, who is then told a second reviewer is needed and offered no approve button, and decided
     * by Bob in his own session.
     */
    @Test
    @Order(17)
    void twoReviewersApproveARiskCaseInTheConsole() throws Exception {
        String cases = "/admin/tenants/" + riskTenantId + "/risk/cases";
        JsonNode open = admin("GET", cases + "?status=open&limit=100", null, 200).path("data");
        JsonNode held = null;
        for (JsonNode c : open) { // a list's rows leave the reviews out: each case's own page has them
            JsonNode whole = admin("GET", cases + "/" + c.path("id").asText(), null, 200);
            if (whole.path("reviews").isArray() && whole.path("reviews").isEmpty()) {
                held = whole;
                break;
            }
        }
        assertThat(held).as("an open case nobody reviewed yet (the risk test leaves the other spikes open)").isNotNull();
        String caseId = held.path("id").asText();
        String casePage = fleet.get("orchestrator").url() + "/console/tenants/" + riskTenantId + "/risk/cases/" + caseId;
        String console = fleet.get("orchestrator").url() + "/console";
        try (ConsoleBrowser ann = ConsoleBrowser.start()) {
            signIn(ann, console, "Ann");
            ann.open(casePage);
            ann.waitFor(By.id("approve-note")).sendKeys("called the customer");
            ann.driver().findElement(By.cssSelector("#approve-form button[type=submit]")).click();
            ann.await(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "second, different reviewer"));
            assertThat(ann.driver().findElements(By.id("approve-form"))).isEmpty();
        }
        try (ConsoleBrowser bob = ConsoleBrowser.start()) {
            signIn(bob, console, "Bob");
            bob.open(casePage);
            bob.waitFor(By.id("approve-note")).sendKeys("confirmed with Ann");
            bob.driver().findElement(By.cssSelector("#approve-form button[type=submit]")).click();
            bob.await(ExpectedConditions.urlContains("done="));
        }
        JsonNode decided = admin("GET", cases + "/" + caseId, null, 200);
        assertThat(decided.path("status").asText()).isEqualTo("decided");
        assertThat(decided.path("resolution").asText()).isEqualTo("approved");
    }

    /** Signs in through the console's form as {@code name}. */
    private static void signIn(ConsoleBrowser browser, String console, String name) {
        browser.open(console + "/login");
        browser.waitFor(By.id("name")).sendKeys(name);
        browser.driver().findElement(By.id("token")).sendKeys(ADMIN_TOKEN);
        browser.driver().findElement(By.cssSelector("form button[type=submit]")).click();
        browser.await(ExpectedConditions.textToBePresentInElementLocated(By.className("who"), name));
    }

    private static JsonNode findCase(JsonNode page, String transactionId) {
        for (JsonNode c : page.path("data")) {
            if (transactionId.equals(c.path("transaction_id").asText())) {
                return c;
            }
        }
        return null;
    }

    /** One request of the quota test: when it started and ended (System.nanoTime), its tokens (-1 = refused). */
    private record Call(long start, long end, long tokens) {
    }

    private static Map<String, Object> item(String id, String text) {
        return Map.of("id", id, "text", text, "metadata", Map.of("source", "e2e"));
    }

    private static JsonNode auditEvents() throws Exception {
        HttpResponse<String> response = send("GET", fleet.get("audit").url() + "/audit/events?tenant=" + tenantId
                + "&limit=1000", null, ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("events");
    }

    private static int auditRows(String eventId) throws Exception {
        try (Connection c = SharedPostgres.connect();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM audit.events WHERE event_id = ?::uuid")) {
            s.setString(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static JsonNode admin(String method, String path, Object body, int expectedStatus) throws Exception {
        HttpResponse<String> response = send(method, fleet.get("orchestrator").url() + path, body, ADMIN_TOKEN);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expectedStatus);
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private static HttpResponse<String> gateway(String method, String path, Object body, String key) throws Exception {
        return send(method, fleet.get("gateway").url() + path, body, key);
    }

    private static HttpResponse<String> send(String method, String url, Object body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(FLOW);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** On a failure, the tail of every service's log goes to the test output. */
    @RegisterExtension
    static final TestWatcher LOG_TAILS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            List<String> tails = new ArrayList<>();
            fleet.values().forEach(p -> tails.add("----- " + p.name() + " (" + (p.isAlive() ? "running" : "exited")
                    + ") -----\n" + p.logTail()));
            System.err.println(String.join("\n", tails));
        }
    };
}
