package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.fleet.gateway.GatewayKafkaFixture.KAFKA_WAIT;
import static dev.fleet.gateway.GatewayKafkaFixture.awaitRawRecord;
import static dev.fleet.gateway.GatewayKafkaFixture.awaitRecord;
import static dev.fleet.gateway.GatewayKafkaFixture.awaitRecords;
import static dev.fleet.gateway.GatewayKafkaFixture.endOffsetSums;
import static dev.fleet.gateway.GatewayKafkaFixture.publishKey;
import static dev.fleet.gateway.GatewayKafkaFixture.publishTenant;
import static dev.fleet.gateway.GatewayKafkaFixture.reply;
import static dev.fleet.gateway.GatewayKafkaFixture.send;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.AccessRefusals;
import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.events.v1.Interaction;
import dev.fleet.events.v1.InteractionKind;
import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemStorage;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.gateway.domain.ItemQuotaExceededException;
import dev.fleet.gateway.domain.ItemStorageLimits;
import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.messaging.RefusalReporter;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetKafkaProperties;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.TopicMirrorsHealthIndicator;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/**
 * The gateway against the real in-JVM broker. The test plays the orchestrator: it publishes keys
 * and tenants to the compacted topics, consumes the chat requests the gateway publishes and
 * answers them with chunks on the reply topic.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fleet.gateway.chat-models=sim-model")
@ExtendWith(OutputCaptureExtension.class)
class GatewayIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @Autowired
    WebTestClient webTestClient;

    @Autowired
    FleetKafkaProperties fleetKafka;

    @Autowired
    LoggingSystem loggingSystem;

    @Autowired
    TopicMirrorsHealthIndicator topicMirrorsHealth;

    @Autowired
    RefusalReporter refusalReporter;

    @Autowired
    dev.fleet.gateway.domain.ApiKeyDirectory apiKeys;

    @Autowired
    ItemStorageLimits itemStorageLimits;

    private WebTestClient client;

    @BeforeEach
    void client() {
        client = webTestClient.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        // ready: mirrors caught up and this replica's share of the rate-limit budgets owned
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk());
    }

    @Test
    void shouldAuthenticatePublishedKeyAndListModels() {
        // given
        String key = givenActiveKey(UUID.randomUUID().toString());
        // when / then
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.data[*].id").value(ids -> assertThat(ids).asInstanceOf(
                        org.assertj.core.api.InstanceOfAssertFactories.LIST)
                        .contains("extractive", "all-minilm-l6-v2", "sim-model"));
    }

    @Test
    void shouldRejectUnknownKey() {
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer fk-" + UUID.randomUUID())
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
    }

    @Test
    void shouldRejectKeyOnceItsRevocationIsPublished() {
        // given
        String tenantId = UUID.randomUUID().toString();
        String keyId = UUID.randomUUID().toString();
        String key = "fk-" + UUID.randomUUID();
        publishTenant(tenantId, TenantStatus.ACTIVE);
        publishKey(keyId, tenantId, key, ApiKeyStatus.ACTIVE);
        awaitStatus(key, 200);
        // when
        publishKey(keyId, tenantId, key, ApiKeyStatus.REVOKED);
        // then
        awaitStatus(key, 401);
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectBody().jsonPath("$.error.code").isEqualTo("revoked_api_key");
    }

    @Test
    void shouldStreamOrchestratorChunksAsServerSentEvents() throws Exception {
        // given
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        // when the client asks for a stream
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> client.post()
                .uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "extractive", "stream", true,
                        "stream_options", Map.of("include_usage", true),
                        "metadata", Map.of("conversation_id", "conv-" + tenantId, "collection", "docs"),
                        "messages", List.of(Map.of("role", "user", "content", "What is Fleet?"))))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody());
        // and the orchestrator answers
        ConsumerRecord<String, SpecificRecord> record = awaitRecord(FleetTopics.CHAT_REQUESTS,
                r -> r.value() instanceof ChatRequested c && c.getTenantId().equals(tenantId));
        ChatRequested request = (ChatRequested) record.value();
        reply(request, List.of("Fleet", " is", " event-driven."));
        // then
        String body = response.get(30, TimeUnit.SECONDS);
        assertThat(record.key()).isEqualTo("conv-" + tenantId);
        assertThat(request.getReplyTo()).isEqualTo(fleetKafka.instanceId());
        assertThat(request.getStream()).isTrue();
        assertThat(request.getMetadata()).containsEntry("collection", "docs");
        assertThat(request.getMessages()).singleElement()
                .satisfies(m -> assertThat(m.getRole()).isEqualTo(ChatRole.USER));
        assertThat(FleetHeaders.get(record.headers(), FleetHeaders.TENANT_ID)).contains(tenantId);
        assertThat(FleetHeaders.get(record.headers(), FleetHeaders.PRODUCED_BY)).contains("gateway");

        List<String> data = body.lines().filter(line -> line.startsWith("data:")).toList();
        assertThat(data).hasSize(6).last().isEqualTo("data: [DONE]");
        StringBuilder content = new StringBuilder();
        for (String line : data.subList(0, 4)) {
            JsonNode chunk = JSON.readTree(line.substring("data: ".length()));
            assertThat(chunk.get("id").asText()).isEqualTo("chatcmpl-" + request.getRequestId());
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            content.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        assertThat(content).hasToString("Fleet is event-driven.");
        JsonNode first = JSON.readTree(data.get(0).substring(6));
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        JsonNode last = JSON.readTree(data.get(3).substring(6));
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = JSON.readTree(data.get(4).substring(6));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(12 + 3);
    }

    @Test
    void shouldAnswerNonStreamingChatWithOneCompletion() throws Exception {
        // given
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        // when
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> client.post()
                .uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "sim-model", "max_tokens", 32,
                        "messages", List.of(Map.of("role", "system", "content", "Be brief."),
                                Map.of("role", "user", "content", "Hi"))))
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        ChatRequested request = (ChatRequested) awaitRecord(FleetTopics.CHAT_REQUESTS,
                r -> r.value() instanceof ChatRequested c && c.getTenantId().equals(tenantId)).value();
        reply(request, List.of("Hello", " there"));
        // then
        JsonNode completion = JSON.readTree(response.get(30, TimeUnit.SECONDS));
        assertThat(request.getStream()).isFalse();
        assertThat(request.getMaxTokens()).isEqualTo(32);
        assertThat(UUID.fromString(request.getConversationId())).isNotNull();
        assertThat(completion.get("id").asText()).isEqualTo("chatcmpl-" + request.getRequestId());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("model").asText()).isEqualTo("sim-model");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hello there");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/usage/prompt_tokens").asInt()).isEqualTo(12);
        assertThat(completion.at("/usage/completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void shouldAnswerEmbeddingsFromTheEmbeddingWorker() throws Exception {
        // given
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        // when
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> client.post()
                .uri("/v1/embeddings").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "all-minilm-l6-v2", "input", List.of("alpha", "beta")))
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        // and the embedding-worker (played by the test) answers
        EmbeddingRequested request = (EmbeddingRequested) awaitRecord(FleetTopics.EMBEDDING_REQUESTS,
                r -> r.value() instanceof EmbeddingRequested e && e.getTenantId().equals(tenantId)).value();
        send(FleetTopics.EMBEDDING_REPLIES, request.getReplyPartition(), request.getRequestId(),
                EmbeddingResult.newBuilder().setRequestId(request.getRequestId()).setModel("all-minilm-l6-v2")
                .setPromptTokens(4)
                .setVectors(List.of(new EmbeddingVector(0, List.of(1f, 0f)), new EmbeddingVector(1, List.of(0f, 1f))))
                .build());
        // then
        JsonNode body = JSON.readTree(response.get(30, TimeUnit.SECONDS));
        assertThat(request.getInputs()).containsExactly("alpha", "beta");
        assertThat(request.getReplyTo()).isEqualTo(fleetKafka.instanceId());
        assertThat(body.at("/data/1/index").asInt()).isEqualTo(1);
        assertThat(body.at("/data/1/embedding/1").floatValue()).isEqualTo(1f);
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void shouldReportReadyOnceKeysAndTenantsAreCaughtUp() {
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP"));
    }

    @Test
    void shouldPublishOneItemEventPerItemAndOneForDeletion() {
        // given
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        // when
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(
                        Map.of("id", "doc-1", "text", "Kafka is a log.", "metadata", Map.of("lang", "en")),
                        Map.of("id", "doc-2", "text", "Avro is a format."))))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.accepted").isEqualTo(2).jsonPath("$.collection").isEqualTo("docs");
        client.delete().uri("/v1/collections/docs/items/doc-2").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .exchange()
                .expectStatus().isAccepted();
        // then
        List<ConsumerRecord<String, SpecificRecord>> records = awaitRecords(FleetTopics.ITEMS,
                r -> r.key().startsWith(tenantId + "/"), 3);
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(
                tenantId + "/docs/doc-1", tenantId + "/docs/doc-2", tenantId + "/docs/doc-2");
        ItemEvent first = (ItemEvent) records.stream().filter(r -> r.key().endsWith("/doc-1")).findFirst()
                .orElseThrow().value();
        assertThat(first.getTenantId()).isEqualTo(tenantId);
        assertThat(first.getCollection()).isEqualTo("docs");
        assertThat(first.getChange()).isEqualTo(new ItemUpserted("Kafka is a log.", Map.of("lang", "en")));
        List<Class<?>> doc2Changes = records.stream().filter(r -> r.key().endsWith("/doc-2"))
                .<Class<?>>map(r -> ((ItemEvent) r.value()).getChange().getClass()).toList();
        assertThat(doc2Changes).containsExactlyInAnyOrder(ItemUpserted.class, ItemDeleted.class);
    }

    @Test
    void shouldAskTheScorerForAUsersRecommendationsOnTheCollectionsPartition() throws Exception {
        // given
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        // when
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> client.post()
                .uri("/v1/collections/shop/recommend").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("user", "u-42", "top_k", 4, "exclude_seen", true))
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        // and the scorer (played by the test) answers
        ConsumerRecord<String, SpecificRecord> asked = awaitRecord(FleetTopics.SCORE_REQUESTS,
                r -> r.value() instanceof ScoreRequested q && q.getTenantId().equals(tenantId));
        ScoreRequested request = (ScoreRequested) asked.value();
        send(FleetTopics.SCORE_REPLIES, request.getReplyPartition(), request.getRequestId(),
                new ScoreResult(request.getRequestId(), List.of(new ScoredItem("sku-9", 0.8, "Boots", Map.of())), null));
        // then
        assertThat(asked.partition()).isEqualTo(CollectionPartition.of(tenantId, "shop",
                FleetTopics.ITEM_VECTORS.partitions()));
        assertThat(request.getUser()).isEqualTo("u-42");
        assertThat(request.getExcludeSeen()).isTrue();
        assertThat(request.getRecommend()).isNull();
        assertThat(request.getTopK()).isEqualTo(4);
        JsonNode body = JSON.readTree(response.get(30, TimeUnit.SECONDS));
        assertThat(body.at("/results/0/id").asText()).isEqualTo("sku-9");
    }

    @Test
    void shouldPublishInteractionsOnTheirCollectionsPartitionEachWithItsOwnEventId() {
        // given
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        // when
        client.post().uri("/v1/collections/shop/interactions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("interactions", List.of(
                        Map.of("user", "u-42", "item_id", "sku-1", "kind", "purchase"),
                        Map.of("user", "u-42", "item_id", "sku-2", "kind", "view", "weight", 0.5))))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.accepted").isEqualTo(2);
        // then: the partition of the collection's item vectors, keyed as a product app would key them
        List<ConsumerRecord<String, SpecificRecord>> records = awaitRecords(FleetTopics.INTERACTIONS,
                r -> r.key().equals(tenantId + "/shop"), 2);
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(
                CollectionPartition.of(tenantId, "shop", FleetTopics.ITEM_VECTORS.partitions()));
        assertThat(records).extracting(r -> ((Interaction) r.value()).getItemId()).containsExactly("sku-1", "sku-2");
        assertThat(records).extracting(r -> ((Interaction) r.value()).getKind())
                .containsExactly(InteractionKind.PURCHASE, InteractionKind.VIEW);
        assertThat(records).extracting(r -> new String(r.headers().lastHeader(FleetHeaders.EVENT_ID).value(),
                java.nio.charset.StandardCharsets.UTF_8)).doesNotHaveDuplicates();
    }

    @Test
    void shouldListAModelAliasAndAcceptChatsNamingItUntilItIsRemoved() throws Exception {
        // given a key, and an alias the orchestrator's admin API published
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        String alias = "chat-" + UUID.randomUUID().toString().substring(0, 8);
        send(FleetTopics.MODEL_ALIASES, alias, new ModelAlias(alias, List.of(new ModelTarget("openai", "sim-model")),
                null, Instant.now()));

        // then within two seconds /v1/models lists it and a chat request naming it is accepted as it came
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> client.get()
                .uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.data[?(@.id == '" + alias + "')].owned_by").isEqualTo("fleet"));
        client.get().uri("/v1/models/" + alias).header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(alias);
        CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> client.post()
                .uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", alias, "user", "user-7",
                        "messages", List.of(Map.of("role", "user", "content", "Hi"))))
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
        ChatRequested request = (ChatRequested) awaitRecord(FleetTopics.CHAT_REQUESTS,
                r -> r.value() instanceof ChatRequested c && c.getTenantId().equals(tenantId)).value();
        reply(request, List.of("Hello"));
        assertThat(request.getModel()).isEqualTo(alias);
        assertThat(request.getOptions().getUser()).isEqualTo("user-7");
        assertThat(JSON.readTree(response.get(30, TimeUnit.SECONDS)).get("model").asText()).isEqualTo(alias);

        // when the alias is removed (a tombstone), it is refused again within two seconds
        send(FleetTopics.MODEL_ALIASES, alias, null);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> client.post()
                .uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", alias, "messages", List.of(Map.of("role", "user", "content", "Hi"))))
                .exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_not_found"));
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectBody().jsonPath("$.data[?(@.id == '" + alias + "')]").isEmpty();
    }

    @Test
    void shouldRejectInvalidRequestsWithoutPublishingAnything() {
        // given
        String key = givenActiveKey(UUID.randomUUID().toString());
        List<Topic<?>> requestTopics = List.of(FleetTopics.CHAT_REQUESTS, FleetTopics.ITEMS,
                FleetTopics.EMBEDDING_REQUESTS, FleetTopics.SCORE_REQUESTS);
        Map<String, Long> before = endOffsetSums(requestTopics);
        // when
        client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\":\"extractive\",\"messages\":[")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
        client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "gpt-9", "messages", List.of(Map.of("role", "user", "content", "x"))))
                .exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_not_found");
        client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer fk-unknown")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "extractive", "messages", List.of(Map.of("role", "user", "content", "x"))))
                .exchange()
                .expectStatus().isUnauthorized();
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"items\": [{\"id\": \"a\", ")
                .exchange()
                .expectStatus().isBadRequest();
        expectRejected(key, "/v1/embeddings", Map.of("model", "text-embedding-9", "input", "alpha"), 404,
                "model");
        expectRejected(key, "/v1/embeddings", Map.of("model", "all-minilm-l6-v2", "input", List.of()), 400,
                "input");
        expectRejected(key, "/v1/collections/docs/search", Map.of("top_k", 3), 400, "query");
        expectRejected(key, "/v1/collections/docs/search", Map.of("query", "alpha", "top_k", 0), 400, "top_k");
        // then
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(endOffsetSums(requestTopics)).isEqualTo(before));
    }

    @Test
    void shouldNeverLogApiKeysEvenAtDebugLevel(CapturedOutput output) {
        // given our code and Spring's web layer (requests, responses, codecs) at DEBUG
        Map<String, LogLevel> levels = setLogLevels(LogLevel.DEBUG, "dev.fleet", "org.springframework.web");
        try {
            // and an active key, a key that was never issued and a revoked one
            String tenantId = UUID.randomUUID().toString();
            String active = givenActiveKey(tenantId);
            String unknown = "fk-" + UUID.randomUUID();
            String revokedId = UUID.randomUUID().toString();
            String revoked = "fk-" + UUID.randomUUID();
            publishKey(revokedId, tenantId, revoked, ApiKeyStatus.ACTIVE);
            awaitStatus(revoked, 200);
            publishKey(revokedId, tenantId, revoked, ApiKeyStatus.REVOKED);
            awaitStatus(revoked, 401);
            // when each is presented, on success and on the error paths
            for (String key : List.of(active, unknown, revoked)) {
                client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                        .expectStatus().value(status -> assertThat(status).isIn(200, 401));
                client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\": ").exchange()
                        .expectStatus().value(status -> assertThat(status).isIn(400, 401));
                client.get().uri("/v1/nothing-here").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                        .expectStatus().value(status -> assertThat(status).isIn(404, 401));
            }
            // then the capture saw the requests at DEBUG, and none of the keys
            assertThat(output.getAll()).contains("/v1/nothing-here", "/v1/chat/completions")
                    .doesNotContain(active).doesNotContain(unknown).doesNotContain(revoked);
        } finally {
            levels.forEach(loggingSystem::setLogLevel);
        }
    }

    @Test
    void shouldRefuseATenantWithinTwoSecondsOfItsQuotaBeingExceededAndAdmitItOnceRaised() {
        // given an active tenant
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();

        // when usage-metering says it exceeded its monthly quota
        send(FleetTopics.QUOTA_STATUS, tenantId, QuotaStatus.newBuilder().setTenantId(tenantId).setMonth(month)
                .setUsed(1_000).setLimit(1_000L).setState(QuotaState.EXCEEDED).setUpdatedAt(Instant.now()).build());

        // then this replica refuses it within two seconds, as OpenAI refuses an exhausted quota
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> client.get()
                .uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.code").isEqualTo("insufficient_quota"));

        // when the quota is raised (metering publishes the tenant back under its limit)
        send(FleetTopics.QUOTA_STATUS, tenantId, QuotaStatus.newBuilder().setTenantId(tenantId).setMonth(month)
                .setUsed(1_000).setLimit(10_000L).setState(QuotaState.OK).setUpdatedAt(Instant.now()).build());

        // then it is admitted again within two seconds
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> client.get()
                .uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk());
    }

    @Test
    void shouldRefuseItemsOverTheTenantsLimitsWithoutPublishingAnythingAndAdmitThemOnceTheLimitIsRaised() {
        // given an active tenant whose admin set 2 items of at most 32 bytes each, and that stores 1 item
        // (usage-metering's count, say of an item another replica accepted)
        String tenantId = UUID.randomUUID().toString();
        String key = givenActiveKey(tenantId);
        send(FleetTopics.TENANTS, tenantId, tenantWithItemLimits(tenantId, 2L, 32L));
        send(FleetTopics.ITEM_STORAGE, tenantId, new ItemStorage(tenantId, 1L, 15L, Instant.now()));
        ItemUpserted small = new ItemUpserted("Kafka is a log.", Map.of());
        await().atMost(KAFKA_WAIT).untilAsserted(() -> assertThatThrownBy(() -> itemStorageLimits.release(
                itemStorageLimits.admit(tenantId, List.of(small, small)))).isInstanceOf(ItemQuotaExceededException.class));

        // when it fills its limit through this replica
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(Map.of("id", "doc-1", "text", "Kafka is a log."))))
                .exchange().expectStatus().isAccepted();
        awaitRecords(FleetTopics.ITEMS, r -> r.key().startsWith(tenantId + "/"), 1);
        Map<String, Long> before = endOffsetSums(List.of(FleetTopics.ITEMS));

        // then the next new item is refused with 429 quota_exceeded at once (before metering counted the last),
        // and an item over 32 bytes with 413
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(Map.of("id", "doc-2", "text", "Scorers hold vectors."))))
                .exchange().expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.code").isEqualTo("quota_exceeded")
                .jsonPath("$.error.type").isEqualTo("insufficient_quota");
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(Map.of("id", "doc-1", "text", "x".repeat(30),
                        "metadata", Map.of("lang", "en")))))
                .exchange().expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.error.code").isEqualTo("item_too_large")
                .jsonPath("$.error.param").isEqualTo("items[0]");
        // and once metering counted both items, still
        send(FleetTopics.ITEM_STORAGE, tenantId, new ItemStorage(tenantId, 2L, 30L, Instant.now()));
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(Map.of("id", "doc-2", "text", "Scorers hold vectors."))))
                .exchange().expectStatus().isEqualTo(429);
        // and nothing reached fleet.items.v1
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(endOffsetSums(List.of(FleetTopics.ITEMS))).isEqualTo(before));

        // when the admin raises the tenant's item limit (the orchestrator writes its tenant record again)
        send(FleetTopics.TENANTS, tenantId, tenantWithItemLimits(tenantId, 3L, 32L));

        // then the same item is accepted once the record arrived (each refused attempt published nothing)
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.post().uri("/v1/collections/docs/items")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(Map.of("id", "doc-2", "text", "Scorers hold vectors."))))
                .exchange().expectStatus().isAccepted());
        ItemEvent accepted = (ItemEvent) awaitRecord(FleetTopics.ITEMS,
                r -> r.key().equals(tenantId + "/docs/doc-2")).value();
        assertThat(accepted.getChange()).isEqualTo(new ItemUpserted("Scorers hold vectors.", Map.of()));
    }

    private static Tenant tenantWithItemLimits(String tenantId, Long maxItems, Long maxItemBytes) {
        return Tenant.newBuilder().setId(tenantId).setName("Test " + tenantId).setPlan(Plan.PRO)
                .setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(600).setTokensPerDay(1_000_000)
                .setMaxItems(maxItems).setMaxItemBytes(maxItemBytes).setUpdatedAt(Instant.now()).build();
    }

    @Test
    void shouldCountRefusalsPerTenantAndMinuteIntoTheAuditLog() {
        // given an attack with 25 made-up keys, and a tenant's revoked key presented twice
        String tenantId = UUID.randomUUID().toString();
        givenActiveKey(tenantId);
        String revokedId = UUID.randomUUID().toString();
        String revoked = "fk-" + UUID.randomUUID();
        publishKey(revokedId, tenantId, revoked, ApiKeyStatus.REVOKED);
        await().atMost(KAFKA_WAIT).until(() -> apiKeys.authenticate(revoked).outcome()
                == dev.fleet.gateway.domain.Authentication.Outcome.REVOKED_KEY);
        refusalReporter.flush(true).block(KAFKA_WAIT);
        Instant start = Instant.now();
        for (int i = 0; i < 25; i++) {
            client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer fk-" + UUID.randomUUID())
                    .exchange().expectStatus().isUnauthorized();
        }
        for (int i = 0; i < 2; i++) {
            client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + revoked).exchange()
                    .expectStatus().isUnauthorized();
        }

        // when this replica reports its refusals
        refusalReporter.flush(true).block(KAFKA_WAIT);

        // then the audit log's topic has events for the unknown keys and one for the tenant, never a key
        try (TopicReader<String, SpecificRecord> events = TopicReader.decoded(FleetTopics.DOMAIN_EVENTS.name(),
                GatewayKafkaFixture.SERDE.deserializer())) {
            await().atMost(KAFKA_WAIT).untilAsserted(() -> {
                List<DomainEvent> mine = events.drain(r -> r.value() instanceof DomainEvent e
                                && e.getPayload() instanceof AccessRefusals a
                                && a.getReplica().equals(fleetKafka.instanceId())
                                && !e.getOccurredAt().isBefore(start.truncatedTo(ChronoUnit.MINUTES)))
                        .stream().map(r -> (DomainEvent) r.value()).toList();
                assertThat(mine).filteredOn(e -> e.getTenantId().equals(tenantId)).singleElement()
                        .satisfies(e -> {
                            AccessRefusals refusals = (AccessRefusals) e.getPayload();
                            assertThat(refusals.getCounts()).containsExactly(Map.entry("revoked_api_key", 2L));
                            assertThat(refusals.getKeyIds()).containsExactly(revokedId);
                        });
                assertThat(mine).filteredOn(e -> e.getTenantId().equals(RefusalCounter.UNAUTHENTICATED))
                        .extracting(e -> ((AccessRefusals) e.getPayload()).getCounts().get("invalid_api_key"))
                        .as("unknown keys refused in this test").isNotEmpty()
                        .satisfies(counts -> assertThat(counts.stream().mapToLong(Long::longValue).sum())
                                .isGreaterThanOrEqualTo(25L));
            });
        }
    }

    @Test
    void shouldDeadLetterAnUnreadableApiKeyRecordAndStayUnreadyUntilItsKeyIsWrittenAgain() throws Exception {
        // given a record on fleet.api-keys.v1 that is not Avro at all
        String poisonKey = "poison-" + UUID.randomUUID();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        long offset;
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            offset = raw.send(new ProducerRecord<>(FleetTopics.API_KEYS.name(), poisonKey.getBytes(StandardCharsets.UTF_8),
                    "not avro".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS).offset();
        }
        // then it lands on the DLQ with its original bytes
        ConsumerRecord<byte[], byte[]> dead = awaitRawRecord(FleetTopics.API_KEYS.dlq(),
                r -> r.key() != null && poisonKey.equals(new String(r.key(), StandardCharsets.UTF_8)));
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        // and readiness is down, the topicMirrors indicator naming the topic and the offset (a skipped
        // record could be a revocation)
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isEqualTo(503));
        Health mirrors = topicMirrorsHealth.health();
        assertThat(mirrors.getStatus()).isEqualTo(Status.DOWN);
        assertThat(mirrors.getDetails().get(FleetTopics.API_KEYS.name())).asString()
                .contains("offset " + offset).contains("dead-lettered");
        assertThat(mirrors.getDetails().get(FleetTopics.TENANTS.name())).isEqualTo("caught up");
        // and keys published after it still work on this replica
        String key = givenActiveKey(UUID.randomUUID().toString());
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectStatus().isOk();

        // when the key is written again (here: deleted), its state is known again
        GatewayKafkaFixture.send(FleetTopics.API_KEYS, poisonKey, null);
        // then readiness comes back
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk());
        assertThat(topicMirrorsHealth.health().getStatus()).isEqualTo(Status.UP);
    }

    // --- the orchestrator's side: GatewayKafkaFixture, bound to this test's client ----------

    private String givenActiveKey(String tenantId) {
        return GatewayKafkaFixture.givenActiveKey(client, tenantId);
    }

    private void awaitStatus(String key, int status) {
        GatewayKafkaFixture.awaitStatus(client, key, status);
    }

    private Map<String, LogLevel> setLogLevels(LogLevel level, String... loggers) {
        Map<String, LogLevel> previous = new HashMap<>();
        for (String logger : loggers) {
            previous.put(logger, loggingSystem.getLoggerConfiguration(logger).getConfiguredLevel());
            loggingSystem.setLogLevel(logger, level);
        }
        return previous;
    }

    private void expectRejected(String key, String uri, Map<String, Object> body, int status, String param) {
        client.post().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(status)
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(param);
    }
}
