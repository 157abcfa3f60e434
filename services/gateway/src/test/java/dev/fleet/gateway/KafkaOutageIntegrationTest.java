package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.CuttableKafka;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicProbe;

/**
 * The gateway under load and without Kafka. It has a broker of its own that it reaches through a
 * proxy the test cuts and restores (the test's own clients, playing the orchestrator and the
 * embedding-worker, reach the broker directly); the application context is never restarted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fleet.gateway.max-in-flight=2",
        "fleet.gateway.retry-after=2s",
        "management.endpoint.health.group.readiness.show-details=always"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KafkaOutageIntegrationTest {

    /** Generous: the answer needs no Kafka at all, so it takes milliseconds. */
    private static final Duration FAST = Duration.ofSeconds(2);
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(30);
    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final CuttableKafka KAFKA = CuttableKafka.start();
    private static final KafkaProducer<String, SpecificRecord> PRODUCER = producer();
    private static final TopicProbe PROBE = new TopicProbe(KAFKA.directBootstrapServers());

    static {
        // after the application context (closed after this class) has let go of the broker
        Runtime.getRuntime().addShutdownHook(new Thread(KAFKA::close, "cuttable-kafka-stop"));
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("fleet.admin.token", () -> FleetTestEnvironment.ADMIN_TOKEN);
    }

    @Autowired
    WebTestClient webTestClient;

    @Autowired
    MeterRegistry meters;

    private WebTestClient client;

    @Autowired
    ApiKeyDirectory apiKeys;

    @BeforeEach
    void client() {
        client = webTestClient.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void closeProducer() {
        PRODUCER.close(Duration.ofSeconds(5));
    }

    @Test
    void shouldFailFastWhileKafkaIsCutAndServeAgainOnceItIsBackWithoutARestart() throws Exception {
        // given a ready gateway that answers embeddings, and a rate-limited tenant that holds no capacity yet
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        awaitReadiness(200, "UP");
        assertEmbeddingServed(key, tenantId);
        String limitedKey = "fk-" + UUID.randomUUID();
        String limitedTenant = UUID.randomUUID().toString();
        send(FleetTopics.TENANTS, limitedTenant, Tenant.newBuilder().setId(limitedTenant).setName("Limited")
                .setPlan(Plan.PRO).setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(600).setTokensPerDay(0)
                .setUpdatedAt(Instant.now()).build());
        String limitedKeyId = UUID.randomUUID().toString();
        send(FleetTopics.API_KEYS, limitedKeyId, ApiKey.newBuilder().setId(limitedKeyId).setTenantId(limitedTenant)
                .setSha256(ApiKeyHash.sha256Hex(limitedKey)).setPrefix(limitedKey.substring(0, 7)).setScopes(List.of())
                .setStatus(ApiKeyStatus.ACTIVE).setUpdatedAt(Instant.now()).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> apiKeys.authenticate(limitedKey).isAuthenticated());

        // when Kafka goes away
        KAFKA.cut();

        // then readiness goes DOWN, naming Kafka
        awaitReadiness(503, "DOWN");
        // and requests that need Kafka are refused at once with 503, Retry-After and OpenAI's error object
        long started = System.nanoTime();
        EntityExchangeResult<String> refused = post(key, "/v1/embeddings",
                Map.of("model", "all-minilm-l6-v2", "input", List.of("alpha")));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("embedding request while Kafka is cut answered %d in %d ms%n",
                refused.getStatus().value(), took.toMillis());
        assertThat(refused.getStatus().value()).isEqualTo(503);
        assertThat(took).isLessThan(FAST);
        assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        JsonNode error = JSON.readTree(refused.getResponseBody()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("server_error");
        assertThat(error.path("code").asText()).isEqualTo("kafka_unavailable");
        started = System.nanoTime();
        EntityExchangeResult<String> chat = post(key, "/v1/chat/completions", Map.of("model", "extractive",
                "messages", List.of(Map.of("role", "user", "content", "anyone there?"))));
        assertThat(chat.getStatus().value()).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FAST);
        EntityExchangeResult<String> transaction = post(key, "/v1/risk/transactions", Map.of("transaction_id",
                "tx-1", "account_id", "acct-1", "amount", "12.50", "currency", "EUR", "merchant", "shop",
                "merchant_category", "5411", "country", "DE", "channel", "ecommerce", "wait", true));
        assertThat(transaction.getStatus().value()).isEqualTo(503);
        assertThat(transaction.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(JSON.readTree(transaction.getResponseBody()).at("/error/code").asText())
                .isEqualTo("kafka_unavailable");
        // while what this replica answers from its own state still works
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk();
        // except for a rate-limited tenant that needs capacity from its budget's owner: refused at once too
        started = System.nanoTime();
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + limitedKey).exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error.code").isEqualTo("rate_limiter_unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(FAST);

        // when Kafka comes back
        KAFKA.restore();

        // then readiness comes back UP and requests are served again, by the same context
        awaitReadiness(200, "UP");
        assertEmbeddingServed(key, tenantId);
        assertThat(meters.get("fleet.gateway.requests.shed").tag("reason", "kafka_unavailable").counter().count())
                .isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void shouldShedRequestsBeyondTheInFlightBoundUntilAStreamEnds() throws Exception {
        // given two chat streams in flight (the bound is 2), their answers not yet sent
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        List<CompletableFuture<EntityExchangeResult<String>>> streams = List.of(
                CompletableFuture.supplyAsync(() -> streamChat(key, "first")),
                CompletableFuture.supplyAsync(() -> streamChat(key, "second")));
        List<ChatRequested> requests = List.of(awaitChatRequest(tenantId, "first"), awaitChatRequest(tenantId, "second"));
        await().atMost(KAFKA_WAIT).until(() -> meters.get("fleet.gateway.requests.in.flight").gauge().value() == 2.0);

        // when a third request arrives
        EntityExchangeResult<String> third = post(key, "/v1/embeddings",
                Map.of("model", "all-minilm-l6-v2", "input", List.of("alpha")));

        // then it is refused at once, not queued
        assertThat(third.getStatus().value()).isEqualTo(503);
        assertThat(third.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(JSON.readTree(third.getResponseBody()).at("/error/code").asText()).isEqualTo("server_overloaded");

        // and once the streams have ended, requests are admitted again
        requests.forEach(KafkaOutageIntegrationTest::answer);
        for (CompletableFuture<EntityExchangeResult<String>> stream : streams) {
            EntityExchangeResult<String> result = stream.get(30, TimeUnit.SECONDS);
            assertThat(result.getStatus().value()).isEqualTo(200);
            assertThat(result.getResponseBody()).contains("data: [DONE]");
        }
        await().atMost(KAFKA_WAIT).until(() -> meters.get("fleet.gateway.requests.in.flight").gauge().value() == 0.0);
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk();
    }

    // --- HTTP ------------------------------------------------------------------------------------

    private EntityExchangeResult<String> post(String key, String uri, Map<String, Object> body) {
        return client.post().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectBody(String.class).returnResult();
    }

    private EntityExchangeResult<String> streamChat(String key, String question) {
        return post(key, "/v1/chat/completions", Map.of("model", "extractive", "stream", true,
                "messages", List.of(Map.of("role", "user", "content", question))));
    }

    private void awaitReadiness(int status, String kafkaStatus) {
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isEqualTo(status)
                .expectBody().jsonPath("$.components.kafka.status").isEqualTo(kafkaStatus));
    }

    /** Asks for an embedding, answers it as the embedding-worker, and expects the vector back. */
    private void assertEmbeddingServed(String key, String tenantId) throws Exception {
        String input = "text-" + UUID.randomUUID();
        CompletableFuture<EntityExchangeResult<String>> response = CompletableFuture.supplyAsync(() ->
                post(key, "/v1/embeddings", Map.of("model", "all-minilm-l6-v2", "input", List.of(input))));
        EmbeddingRequested request = awaitRecord(FleetTopics.EMBEDDING_REQUESTS, EmbeddingRequested.class,
                r -> r.getTenantId().equals(tenantId) && r.getInputs().contains(input));
        send(FleetTopics.EMBEDDING_REPLIES, request.getReplyPartition(), request.getRequestId(), EmbeddingResult.newBuilder()
                .setRequestId(request.getRequestId()).setModel("all-minilm-l6-v2").setPromptTokens(1)
                .setVectors(List.of(new EmbeddingVector(0, List.of(0.6f, 0.8f)))).build());
        EntityExchangeResult<String> result = response.get(30, TimeUnit.SECONDS);
        assertThat(result.getStatus().value()).isEqualTo(200);
        assertThat(JSON.readTree(result.getResponseBody()).at("/data/0/embedding/1").floatValue()).isEqualTo(0.8f);
    }

    // --- the orchestrator's and the embedding-worker's side, on the broker directly ---------------

    private String givenActiveKey(String tenantId) {
        return givenActiveKey(tenantId, 0);
    }

    /** A key of a new tenant allowed {@code rpm} requests a minute (0: no limit, so no rate-limit claims). */
    private String givenActiveKey(String tenantId, int rpm) {
        String key = "fk-" + UUID.randomUUID();
        String keyId = UUID.randomUUID().toString();
        send(FleetTopics.TENANTS, tenantId, Tenant.newBuilder().setId(tenantId).setName("Test " + tenantId)
                .setPlan(Plan.PRO).setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(rpm)
                .setTokensPerDay(1_000_000).setUpdatedAt(Instant.now()).build());
        send(FleetTopics.API_KEYS, keyId, ApiKey.newBuilder().setId(keyId).setTenantId(tenantId)
                .setSha256(ApiKeyHash.sha256Hex(key)).setPrefix(key.substring(0, 7))
                .setScopes(List.of("chat", "embeddings", "items", "search")).setStatus(ApiKeyStatus.ACTIVE)
                .setUpdatedAt(Instant.now()).build());
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/v1/models")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange().expectStatus().isOk());
        return key;
    }

    private static ChatRequested awaitChatRequest(String tenantId, String question) {
        return awaitRecord(FleetTopics.CHAT_REQUESTS, ChatRequested.class, r -> r.getTenantId().equals(tenantId)
                && r.getMessages().get(0).getContent().toString().contains(question));
    }

    private static void answer(ChatRequested request) {
        send(FleetTopics.CHAT_REPLIES, request.getReplyPartition(), request.getRequestId(), ChatChunk.newBuilder()
                .setRequestId(request.getRequestId()).setSeq(0).setModel(request.getModel()).setDelta("Yes.")
                .setFinishReason(FinishReason.STOP).build());
    }

    private static <V extends SpecificRecord> V awaitRecord(Topic<?> topic, Class<V> type, Predicate<V> match) {
        return type.cast(SERDE.deserializer().deserialize(topic.name(), PROBE.await(topic.name(), r -> {
            Object value = SERDE.deserializer().deserialize(topic.name(), r.value());
            return type.isInstance(value) && match.test(type.cast(value));
        }, KAFKA_WAIT).value()));
    }

    private static <V extends SpecificRecord> void send(Topic<V> topic, String key, V value) {
        send(topic, null, key, value);
    }

    /** To {@code partition} when given (a reply: the request's replyPartition), else by key. */
    private static <V extends SpecificRecord> void send(Topic<V> topic, Integer partition, String key, V value) {
        try {
            PRODUCER.send(new ProducerRecord<>(topic.name(), partition, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic.name(), e);
        }
    }

    private static KafkaProducer<String, SpecificRecord> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.directBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), SERDE.serializer());
    }
}
