package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;

import dev.fleet.events.v1.StoredResponse;
import dev.fleet.gateway.domain.Caller;
import dev.fleet.gateway.domain.ResponseNotFoundException;
import dev.fleet.gateway.domain.StoredResponses;
import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.Interaction;
import dev.fleet.events.v1.InteractionKind;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemStorage;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.gateway.config.FleetGatewayProperties;
import dev.fleet.gateway.config.GatewayTestProperties;
import dev.fleet.gateway.domain.ApiKeyAuthenticator;
import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.gateway.domain.DirectorySync;
import dev.fleet.gateway.domain.ChatCompletions;
import dev.fleet.gateway.domain.ChatRequestChannel;
import dev.fleet.gateway.domain.CollectionInteractions;
import dev.fleet.gateway.domain.CollectionItems;
import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.gateway.domain.ItemStorageLimits;
import dev.fleet.gateway.domain.Knowledge;
import dev.fleet.gateway.domain.risk.RiskDecisionWaits;
import dev.fleet.gateway.domain.risk.RiskTransactions;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.gateway.domain.QuotaDirectory;
import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.domain.UsageLedger;
import dev.fleet.gateway.domain.UpstreamFailureException;
import dev.fleet.gateway.domain.ratelimit.BudgetWindow;
import dev.fleet.gateway.domain.ratelimit.CapacityGrant;
import dev.fleet.gateway.domain.ratelimit.LimitsDirectory;
import dev.fleet.gateway.domain.ratelimit.RateLimiter;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.platform.web.FleetWebAutoConfiguration;
import dev.fleet.schemas.ApiKeyHash;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The HTTP contract (auth, chat SSE/JSON mapping, errors) over stubbed domain ports: no Kafka. */
@WebFluxTest
@ImportAutoConfiguration(FleetWebAutoConfiguration.class)
@Import(GatewayWebTest.Stubs.class)
class GatewayWebTest {

    static final String KEY = "fk-valid";
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final String REVOKED = "fk-revoked";
    static final String SUSPENDED = "fk-suspended";
    static final String LIMITED = "fk-limited";
    static final String OVER_QUOTA = "fk-over-quota";

    /** The domain's ports, scripted per test. */
    @TestConfiguration
    static class Stubs {

        static volatile Function<ChatRequested, Mono<Flux<ChatChunk>>> chat;
        static volatile Mono<EmbeddingResult> embedding;
        static volatile Mono<ScoreResult> search;
        /** The last search or recommendation the controller asked for: its arguments after the tenant. */
        static volatile List<Object> lastKnowledgeCall;
        static final List<ChatRequested> chatRequests = new CopyOnWriteArrayList<>();
        static final List<ItemEvent> items = new CopyOnWriteArrayList<>();
        static final ItemStorageLimits itemLimits = new ItemStorageLimits(Clock.systemUTC());
        static final List<TransactionSubmitted> transactions = new CopyOnWriteArrayList<>();
        static final List<Interaction> interactions = new CopyOnWriteArrayList<>();
        static final Map<String, BudgetWindow> windows = new HashMap<>();
        static final RefusalCounter refusals = new RefusalCounter(Clock.systemUTC());

        @Bean
        FleetGatewayProperties fleetGatewayProperties() {
            return GatewayTestProperties.with("chat-models", "llama3", "reply-timeout", "300ms",
                    "knowledge-timeout", "1s", "retry-after", "7s", "rate-limits.claim-timeout", "1s",
                    "rate-limits.prefetch", "0ms", "rate-limits.max-waiters", "100", "max-body-size", "64KB",
                    "max-record-bytes", "16384", "max-completion-tokens", "4096", "max-item-chars", "1000");
        }

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        @Bean
        UsageLedger usageLedger(Clock clock) {
            return new UsageLedger(Duration.ofDays(7), clock);
        }

        @Bean
        ModelCatalog modelCatalog(FleetGatewayProperties properties) {
            return new ModelCatalog("all-minilm-l6-v2", properties.chatModels());
        }

        @Bean
        ApiKeyDirectory apiKeyDirectory() {
            ApiKeyDirectory directory = new ApiKeyDirectory();
            directory.applyTenant("t1", tenant("t1", TenantStatus.ACTIVE));
            directory.applyTenant("t2", tenant("t2", TenantStatus.SUSPENDED));
            directory.applyKey("k1", key("k1", "t1", KEY, ApiKeyStatus.ACTIVE));
            directory.applyKey("k2", key("k2", "t1", REVOKED, ApiKeyStatus.REVOKED));
            directory.applyKey("k3", key("k3", "t2", SUSPENDED, ApiKeyStatus.ACTIVE));
            directory.applyTenant("t3", limitedTenant());
            directory.applyKey("k4", key("k4", "t3", LIMITED, ApiKeyStatus.ACTIVE));
            directory.applyTenant("t5", tenant("t5", TenantStatus.ACTIVE));
            directory.applyKey("k5", key("k5", "t5", OVER_QUOTA, ApiKeyStatus.ACTIVE));
            return directory;
        }

        /** Only t3 has limits here; its budget's owner is a window in memory. */
        @Bean
        ApiKeyAuthenticator apiKeyAuthenticator(ApiKeyDirectory directory) {
            return new ApiKeyAuthenticator(directory, DirectorySync.STATIC, Duration.ofSeconds(2));
        }

        @Bean
        RateLimiter rateLimiter() {
            LimitsDirectory limits = new LimitsDirectory();
            limits.applyTenant("t3", limitedTenant());
            return new RateLimiter(limits, (budget, requests, tokens, beyond, claimed) -> Mono.fromSupplier(() -> {
                synchronized (windows) {
                    long now = System.currentTimeMillis();
                    BudgetWindow.Decision d = BudgetWindow.decide(windows.get(budget.id()), now, requests, tokens,
                            beyond, claimed);
                    windows.put(budget.id(), d.next());
                    return new CapacityGrant(d.requests(), d.tokens(), d.remainingRequests(), d.remainingTokens(),
                            d.next().limits(), now, d.windowEnd());
                }
            }), refusalCounter(), System::nanoTime, 100, Duration.ZERO);
        }

        /** Tenant t5 is over its monthly token quota. */
        @Bean
        QuotaDirectory quotaDirectory() {
            QuotaDirectory quotas = new QuotaDirectory(Clock.systemUTC());
            quotas.apply("t5", QuotaStatus.newBuilder().setTenantId("t5")
                    .setMonth(java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString()).setUsed(1_000).setLimit(1_000L)
                    .setState(QuotaState.EXCEEDED).setUpdatedAt(Instant.now()).build());
            return quotas;
        }

        @Bean
        RefusalCounter refusalCounter() {
            return refusals;
        }

        @Bean
        ChatCompletions chatCompletions(FleetGatewayProperties properties, RateLimiter rateLimiter) {
            ChatRequestChannel channel = request -> {
                chatRequests.add(request);
                return chat.apply(request);
            };
            return new ChatCompletions(channel, "gateway-test", properties.replyTimeout(), Clock.systemUTC(),
                    rateLimiter, TokenCounter.cl100k());
        }

        @Bean
        Knowledge knowledge() {
            return new Knowledge() {
                @Override
                public Mono<EmbeddingResult> embed(String tenantId, List<String> inputs) {
                    return embedding;
                }

                @Override
                public Mono<ScoreResult> search(String tenantId, String collection, String query, int topK,
                        Map<String, List<String>> filter) {
                    lastKnowledgeCall = List.of("search", collection, query, topK, filter);
                    return search;
                }

                @Override
                public Mono<ScoreResult> recommend(String tenantId, String collection, List<String> positive,
                        List<String> negative, int topK, Map<String, List<String>> filter) {
                    lastKnowledgeCall = List.of("recommend", collection, positive, negative, topK, filter);
                    return search;
                }

                @Override
                public Mono<ScoreResult> recommendForUser(String tenantId, String collection, String user,
                        boolean excludeSeen, int topK, Map<String, List<String>> filter) {
                    lastKnowledgeCall = List.of("recommendForUser", collection, user, excludeSeen, topK, filter);
                    return search;
                }
            };
        }

        /** No stored responses here (the SDK tests cover them against the broker). */
        @Bean
        StoredResponses storedResponses() {
            return new StoredResponses() {
                @Override
                public Mono<StoredResponse> retrieve(Caller caller, String responseId) {
                    return Mono.error(new ResponseNotFoundException(responseId));
                }

                @Override
                public Mono<Void> delete(Caller caller, String responseId) {
                    return Mono.error(new ResponseNotFoundException(responseId));
                }
            };
        }

        @Bean
        CollectionInteractions collectionInteractions() {
            return new CollectionInteractions((tenant, collection, events) -> Mono.fromRunnable(
                    () -> interactions.addAll(events)), Clock.fixed(NOW, java.time.ZoneOffset.UTC));
        }

        @Bean
        CollectionItems collectionItems() {
            return new CollectionItems((tenant, events) -> Mono.fromRunnable(() -> items.addAll(events)),
                    itemLimits, Clock.systemUTC());
        }

        @Bean
        RiskTransactions riskTransactions() {
            return new RiskTransactions(tx -> Mono.fromRunnable(() -> transactions.add(tx)),
                    new RiskDecisionWaits(10, Duration.ofMinutes(1)), Duration.ofMillis(1));
        }
    }

    @Autowired
    WebTestClient client;

    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void reset() {
        Stubs.chat = request -> Mono.just(Flux.never());
        Stubs.chatRequests.clear();
        Stubs.items.clear();
        Stubs.itemLimits.applyTenant("t1", null);
        Stubs.transactions.clear();
        Stubs.interactions.clear();
        synchronized (Stubs.windows) {
            Stubs.windows.clear();
        }
    }

    @Test
    void shouldRejectRequestWithoutApiKey() {
        client.get().uri("/v1/models").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_api_key")
                .jsonPath("$.error.type").isEqualTo("authentication_error");
    }

    @Test
    void shouldRejectUnknownRevokedAndSuspendedKeys() {
        expectError(client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer fk-nobody"), 401,
                "invalid_api_key");
        expectError(client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + REVOKED), 401,
                "revoked_api_key");
        expectError(client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + SUSPENDED), 403,
                "tenant_suspended");
    }

    @Test
    void shouldRefuseATenantOverItsMonthlyQuotaWithInsufficientQuotaWithoutPublishing() {
        // when a tenant over its monthly token quota asks for a completion
        JsonNode error = client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + OVER_QUOTA)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        // then it is refused as OpenAI refuses an exhausted quota, and nothing was published
        assertThat(error.at("/error/code").asText()).isEqualTo("insufficient_quota");
        assertThat(error.at("/error/type").asText()).isEqualTo("insufficient_quota");
        assertThat(Stubs.chatRequests).isEmpty();
        assertThat(Stubs.refusals.drain(true)).filteredOn(t -> t.tenantId().equals("t5")).singleElement()
                .satisfies(t -> assertThat(t.counts()).containsEntry("quota_exceeded", 1L));
    }

    @Test
    void shouldRefuseOverTheRequestLimitWith429AndRateLimitHeadersWithoutPublishing() {
        // given a tenant allowed 2 requests a minute, which has used them
        for (int i = 0; i < 2; i++) {
            client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + LIMITED).exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals("x-ratelimit-limit-requests", "2")
                    .expectHeader().valueEquals("x-ratelimit-remaining-requests", Integer.toString(1 - i))
                    .expectHeader().exists("x-ratelimit-reset-requests");
        }

        // when it asks for a chat completion
        JsonNode error = client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + LIMITED)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectHeader().valueEquals("x-ratelimit-remaining-requests", "0")
                .expectBody(JsonNode.class).returnResult().getResponseBody();

        // then it is refused in OpenAI's shape and nothing was published
        assertThat(error.at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.at("/error/type").asText()).isEqualTo("requests");
        assertThat(Stubs.chatRequests).isEmpty();
        // and the refusal is counted for the audit log under its tenant and key
        assertThat(Stubs.refusals.drain(true)).filteredOn(t -> t.tenantId().equals("t3")).singleElement()
                .satisfies(t -> {
                    assertThat(t.counts()).containsEntry("rate_limit_requests", 1L);
                    assertThat(t.keyIds()).containsExactly("k4");
                });
    }

    @Test
    void shouldListModelsForValidKey() {
        client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.data[*].id").isEqualTo(List.of("extractive", "all-minilm-l6-v2", "llama3"))
                .jsonPath("$.data[0].object").isEqualTo("model")
                .jsonPath("$.data[0].created").isEqualTo(0)
                .jsonPath("$.data[0].owned_by").isEqualTo("fleet");
        client.get().uri("/v1/models/llama3").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo("llama3");
        expectError(client.get().uri("/v1/models/gpt-9").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY), 404,
                "model_not_found");
    }

    @Test
    void shouldAnswerUnknownRouteInOpenAiShape() {
        expectError(client.get().uri("/v1/nothing-here").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY), 404,
                "not_found");
    }

    @Test
    void shouldStreamChunksAsServerSentEventsEndingWithDone() throws Exception {
        // given
        Stubs.chat = request -> Mono.just(Flux.just(chunk(request, 0, "Hello", null), chunk(request, 1, " world", null),
                finalChunk(request, 2)));
        // when
        String body = client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "llama3", "stream", true, "stream_options", Map.of("include_usage", true),
                        "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();
        // then
        List<String> data = dataLines(body);
        assertThat(data).hasSize(5);
        assertThat(data.get(4)).isEqualTo("data: [DONE]");
        JsonNode first = json.readTree(data.get(0).substring("data: ".length()));
        String requestId = Stubs.chatRequests.get(0).getRequestId();
        assertThat(first.get("id").asText()).isEqualTo("chatcmpl-" + requestId);
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(first.at("/choices/0/delta/content").asText()).isEqualTo("Hello");
        JsonNode last = json.readTree(data.get(2).substring("data: ".length()));
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(last.has("usage")).isFalse();
        JsonNode usage = json.readTree(data.get(3).substring("data: ".length()));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(9);
    }

    @Test
    void shouldLeaveUsageOutOfStreamsThatDidNotAskForIt() throws Exception {
        Stubs.chat = request -> Mono.just(Flux.just(chunk(request, 0, "Hello", null), finalChunk(request, 1)));

        String body = chat(true, "llama3").expectStatus().isOk().expectBody(String.class).returnResult()
                .getResponseBody();

        List<String> data = dataLines(body);
        assertThat(data).hasSize(3).noneMatch(line -> line.contains("\"usage\""));
    }

    @Test
    void shouldEndStreamWithErrorEventWhenCompletionFails() throws Exception {
        Stubs.chat = request -> Mono.just(Flux.just(chunk(request, 0, "Hel", null), errorChunk(request, 1)));

        String body = chat(true, "llama3").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        List<String> data = dataLines(body);
        assertThat(data).hasSize(3);
        assertThat(json.readTree(data.get(1).substring(6)).at("/error/code").asText()).isEqualTo("provider_unavailable");
        assertThat(data.get(2)).isEqualTo("data: [DONE]");
    }

    @Test
    void shouldEndStreamWithErrorEventWhenARedeliveryRestartsTheAnswerAfterText() throws Exception {
        // given attempt a streamed "Hel", then a redelivery's attempt b answers from seq 0
        Stubs.chat = request -> Mono.just(Flux.just(attempt(chunk(request, 0, "Hel", null), "a"),
                attempt(chunk(request, 0, "Wor", null), "b"), attempt(finalChunk(request, 1), "b")));

        // when
        String body = chat(true, "llama3").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        // then: a's text, an error event, [DONE] — no text of b, no clean finish
        List<String> data = dataLines(body);
        assertThat(data).hasSize(3);
        assertThat(json.readTree(data.get(0).substring(6)).at("/choices/0/delta/content").asText()).isEqualTo("Hel");
        JsonNode error = json.readTree(data.get(1).substring(6)).get("error");
        assertThat(error.get("code").asText()).isEqualTo("reply_restarted");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(data.get(2)).isEqualTo("data: [DONE]");
        assertThat(body).doesNotContain("Wor").doesNotContain("\"stop\"");
    }

    @Test
    void shouldAnswerTheNewestAttemptWhenNotStreaming() {
        Stubs.chat = request -> Mono.just(Flux.just(attempt(chunk(request, 0, "Hel", null), "a"),
                attempt(chunk(request, 0, "World", null), "b"), attempt(finalChunk(request, 1), "b")));

        chat(false, "llama3").expectStatus().isOk()
                .expectBody()
                .jsonPath("$.choices[0].message.content").isEqualTo("World")
                .jsonPath("$.choices[0].finish_reason").isEqualTo("stop");
    }

    @Test
    void shouldTellTheUsageBilledBeforeAFailureOnTheErrorEventWhenUsageWasAsked() throws Exception {
        Stubs.chat = request -> {
            ChatChunk error = errorChunk(request, 1);
            error.setUsage(new TokenUsage(7, 1));
            return Mono.just(Flux.just(chunk(request, 0, "Hel", null), error));
        };

        String body = client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "llama3", "stream", true, "stream_options", Map.of("include_usage", true),
                        "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        List<String> data = dataLines(body);
        assertThat(data).hasSize(3);
        JsonNode error = json.readTree(data.get(1).substring(6));
        assertThat(error.at("/error/code").asText()).isEqualTo("provider_unavailable");
        assertThat(error.at("/usage/prompt_tokens").asInt()).isEqualTo(7);
        assertThat(error.at("/usage/completion_tokens").asInt()).isEqualTo(1);
        assertThat(error.at("/usage/total_tokens").asInt()).isEqualTo(8);
        assertThat(data.get(2)).isEqualTo("data: [DONE]");
    }

    @Test
    void shouldEndStreamWithTimeoutErrorWhenNoReplyComes() throws Exception {
        // given the default stub: the orchestrator never answers (reply timeout 300ms)
        String body = chat(true, "extractive").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        List<String> data = dataLines(body);
        assertThat(json.readTree(data.get(0).substring(6)).at("/error/code").asText()).isEqualTo("timeout");
        assertThat(data).last().isEqualTo("data: [DONE]");
    }

    @Test
    void shouldAnswerOneCompletionWhenNotStreaming() {
        Stubs.chat = request -> Mono.just(Flux.just(chunk(request, 0, "Hello", null), chunk(request, 1, " world", null),
                finalChunk(request, 2)));

        chat(false, "llama3").expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.object").isEqualTo("chat.completion")
                .jsonPath("$.model").isEqualTo("llama3")
                .jsonPath("$.choices[0].message.role").isEqualTo("assistant")
                .jsonPath("$.choices[0].message.content").isEqualTo("Hello world")
                .jsonPath("$.choices[0].finish_reason").isEqualTo("stop")
                .jsonPath("$.usage.prompt_tokens").isEqualTo(7)
                .jsonPath("$.usage.total_tokens").isEqualTo(9);
    }

    @Test
    void shouldReturnTheConversationIdItCreatedOrTheClientGave() {
        // given
        List<String> sent = new CopyOnWriteArrayList<>();
        Stubs.chat = request -> {
            sent.add(request.getConversationId());
            return Mono.just(Flux.just(chunk(request, 0, "Hi", null), finalChunk(request, 1)));
        };

        // when / then: a new conversation's id comes back in the header
        String created = chat(false, "llama3").expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst(ChatCompletionsController.CONVERSATION_HEADER);
        assertThat(created).isNotBlank().isEqualTo(sent.get(0));

        // and a client's own id comes back as it gave it, streaming too
        client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "llama3", "stream", true, "metadata", Map.of("conversation_id", "conv-7"),
                        "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(ChatCompletionsController.CONVERSATION_HEADER, "conv-7");
        assertThat(sent.get(1)).isEqualTo("conv-7");
    }

    @Test
    void shouldAnswerAnotherTenantsConversationWith404AndABadPromptWith400() {
        Stubs.chat = request -> Mono.just(Flux.just(failed(request, ErrorType.NOT_FOUND_ERROR, "no conversation 'c'")));
        expectError(chat(false, "llama3"), 404, "invalid_request");

        Stubs.chat = request -> Mono.just(Flux.just(failed(request, ErrorType.INVALID_REQUEST_ERROR, "no prompt 'p'")));
        expectError(chat(false, "llama3"), 400, "invalid_request");
    }

    private static ChatChunk failed(ChatRequested request, ErrorType type, String message) {
        ChatChunk chunk = chunk(request, 0, "", FinishReason.ERROR);
        chunk.setError(new ReplyError(type, ErrorCode.INVALID_REQUEST, message));
        return chunk;
    }

    @Test
    void shouldAnswerProviderErrorWith502AndTimeoutWith504() {
        Stubs.chat = request -> Mono.just(Flux.just(errorChunk(request, 0)));
        expectError(chat(false, "llama3"), 502, "provider_unavailable");

        Stubs.chat = request -> Mono.just(Flux.never());
        expectError(chat(false, "llama3"), 504, "timeout");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenKafkaIsUnavailable() {
        Stubs.chat = request -> Mono.error(new EventBusUnavailableException("broker down", null));

        chat(true, "llama3").expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "7")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error.code").isEqualTo("kafka_unavailable");
    }

    @Test
    void shouldRejectMalformedJsonAndUnknownModelWithoutSendingAnything() {
        expectError(client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\": \"llama3\", \"messages\": [}"), 400,
                "invalid_request");
        expectError(chat(false, "gpt-9"), 404, "model_not_found");

        assertThat(Stubs.chatRequests).isEmpty();
    }

    @Test
    void shouldAnswerEmbeddingsInOpenAiShape() {
        // given
        Stubs.embedding = Mono.just(EmbeddingResult.newBuilder().setRequestId("e1").setModel("all-minilm-l6-v2")
                .setPromptTokens(5).setVectors(List.of(new EmbeddingVector(1, List.of(0.5f, -1f)),
                        new EmbeddingVector(0, List.of(1f, 0f))))
                .build());
        // when / then
        client.post().uri("/v1/embeddings").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "all-minilm-l6-v2", "input", List.of("a", "b")))
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.model").isEqualTo("all-minilm-l6-v2")
                .jsonPath("$.data[0].object").isEqualTo("embedding")
                .jsonPath("$.data[0].index").isEqualTo(0)
                .jsonPath("$.data[1].embedding").isEqualTo(List.of(0.5, -1.0))
                .jsonPath("$.usage.prompt_tokens").isEqualTo(5)
                .jsonPath("$.usage.total_tokens").isEqualTo(5);
    }

    @Test
    void shouldEncodeEmbeddingsAsBase64WhenAsked() {
        Stubs.embedding = Mono.just(EmbeddingResult.newBuilder().setRequestId("e1").setModel("all-minilm-l6-v2")
                .setPromptTokens(1).setVectors(List.of(new EmbeddingVector(0, List.of(0.5f, -1f)))).build());

        String encoded = client.post().uri("/v1/embeddings").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "all-minilm-l6-v2", "input", "a", "encoding_format", "base64"))
                .exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().at("/data/0/embedding").asText();

        ByteBuffer floats = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(floats.getFloat()).isEqualTo(0.5f);
        assertThat(floats.getFloat()).isEqualTo(-1f);
    }

    @Test
    void shouldMapEmbeddingFailuresToOpenAiErrors() {
        Stubs.embedding = Mono.error(new UpstreamFailureException(new ReplyError(ErrorType.INVALID_REQUEST_ERROR,
                ErrorCode.INVALID_REQUEST, "too long")));
        expectError(embeddings(), 400, "invalid_request");

        Stubs.embedding = Mono.error(new UpstreamFailureException(new ReplyError(ErrorType.SERVER_ERROR,
                ErrorCode.INTERNAL_ERROR, "boom")));
        expectError(embeddings(), 502, "internal_error");

        Stubs.embedding = Mono.error(new dev.fleet.gateway.domain.ReplyTimeoutException("embedding request",
                Duration.ofSeconds(1)));
        expectError(embeddings(), 504, "timeout");
    }

    @Test
    void shouldAnswer413ForAnItemOverTheTenantsCapAnd429QuotaExceededOverItsItemLimitPublishingNothing() {
        // given tenant t1 may store 2 items of at most 5 bytes, and stores 1
        Stubs.itemLimits.applyTenant("t1", Tenant.newBuilder().setId("t1").setName("T1")
                .setPlan(Plan.FREE).setStatus(TenantStatus.ACTIVE)
                .setRequestsPerMinute(0).setTokensPerDay(0).setMaxItems(2L).setMaxItemBytes(5L).setUpdatedAt(NOW)
                .build());
        Stubs.itemLimits.applyStorage("t1", new ItemStorage("t1", 1L, 5L, NOW));

        // when one item is 6 bytes: 413 naming it
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(Map.of("id", "a", "text", "Alpha"), Map.of("id", "b", "text", "Alphas"))))
                .exchange().expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.error.code").isEqualTo("item_too_large")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo("items[1]");

        // when two more items would make 3: 429 quota_exceeded, without Retry-After
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(Map.of("id", "a", "text", "Alpha"), Map.of("id", "b", "text", "B"))))
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().doesNotExist(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("quota_exceeded")
                .jsonPath("$.error.type").isEqualTo("insufficient_quota")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("limit of 2 items"));

        // then nothing was published
        assertThat(Stubs.items).isEmpty();
    }

    @Test
    void shouldAcceptItemsWith202AndSearchCollection() {
        client.post().uri("/v1/collections/docs/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", List.of(Map.of("id", "a", "text", "Alpha"), Map.of("id", "b", "text", "B"))))
                .exchange().expectStatus().isAccepted()
                .expectBody().jsonPath("$.accepted").isEqualTo(2).jsonPath("$.collection").isEqualTo("docs");
        assertThat(Stubs.items).extracting(ItemEvent::getTenantId).containsOnly("t1");

        Stubs.search = Mono.just(new ScoreResult("s1", List.of(new ScoredItem("a", 0.9, "Alpha", Map.of("k", "v"))),
                null));
        client.post().uri("/v1/collections/docs/search").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("query", "alpha"))
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.results[0].id").isEqualTo("a")
                .jsonPath("$.results[0].score").isEqualTo(0.9)
                .jsonPath("$.results[0].text").isEqualTo("Alpha")
                .jsonPath("$.results[0].metadata.k").isEqualTo("v");
    }

    @Test
    void shouldPassAMetadataFilterToTheSearch() {
        // given
        Stubs.search = Mono.just(new ScoreResult("s1", List.of(), null));

        // when
        client.post().uri("/v1/collections/docs/search").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("query", "alpha", "top_k", 5,
                        "filter", Map.of("team", "billing", "tier", Map.of("in", List.of("a", "b")), "level", 3)))
                .exchange().expectStatus().isOk();

        // then
        assertThat(Stubs.lastKnowledgeCall).containsExactly("search", "docs", "alpha", 5,
                Map.of("team", List.of("billing"), "tier", List.of("a", "b"), "level", List.of("3")));
    }

    @Test
    void shouldRejectAMalformedFilterWith400NamingTheKey() {
        Stubs.search = Mono.just(new ScoreResult("s1", List.of(), null));
        for (Object filter : List.of("billing", List.of("a"), Map.of("tier", Map.of("in", List.of())),
                Map.of("tier", Map.of("in", "a")), Map.of("tier", Map.of("eq", "a")),
                Map.of("tier", Map.of("in", List.of(Map.of("x", 1)))), Map.of("tier", List.of("a")))) {
            client.post().uri("/v1/collections/docs/search").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("query", "alpha", "filter", filter))
                    .exchange().expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.param").value(param -> assertThat((String) param).startsWith("filter"));
        }
    }

    @Test
    void shouldRecommendByExampleInTheSearchResponseShape() {
        // given
        Stubs.search = Mono.just(new ScoreResult("s1", List.of(new ScoredItem("c", 0.7, "Gamma", Map.of())), null));

        // when / then
        client.post().uri("/v1/collections/docs/recommend").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("positive", List.of("a"), "negative", List.of("b"), "top_k", 10,
                        "filter", Map.of("team", "billing")))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.results[0].id").isEqualTo("c")
                .jsonPath("$.results[0].score").isEqualTo(0.7)
                .jsonPath("$.results[0].text").isEqualTo("Gamma");
        assertThat(Stubs.lastKnowledgeCall).containsExactly("recommend", "docs", List.of("a"), List.of("b"), 10,
                Map.of("team", List.of("billing")));
    }

    @Test
    void shouldRejectARecommendationWithoutPositivesOrWithABadExampleId() {
        Stubs.search = Mono.just(new ScoreResult("s1", List.of(), null));
        for (Map<String, Object> body : List.of(Map.<String, Object>of("negative", List.of("b")),
                Map.<String, Object>of("positive", List.of()),
                Map.<String, Object>of("positive", List.of("a b")),
                Map.<String, Object>of("positive", List.of("a"), "negative", List.of("x/y")),
                Map.<String, Object>of("positive", List.of("a"), "top_k", 0))) {
            client.post().uri("/v1/collections/docs/recommend").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
        }
    }

    @Test
    void shouldRecommendForAUserWithExcludeSeen() {
        Stubs.search = Mono.just(new ScoreResult("s1", List.of(new ScoredItem("c", 0.7, "Gamma", Map.of())), null));

        client.post().uri("/v1/collections/docs/recommend").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("user", "u-42", "top_k", 10, "exclude_seen", true, "filter", Map.of("team", "billing")))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.results[0].id").isEqualTo("c");
        assertThat(Stubs.lastKnowledgeCall).containsExactly("recommendForUser", "docs", "u-42", true, 10,
                Map.of("team", List.of("billing")));
    }

    @Test
    void shouldRejectAUserRecommendationWithExamplesOrABadUserAndExcludeSeenWithoutAUser() {
        Stubs.search = Mono.just(new ScoreResult("s1", List.of(), null));
        List<Object[]> cases = List.of(
                new Object[] {Map.of("user", "u-42", "positive", List.of("a")), "user"},
                new Object[] {Map.of("user", "u 42"), "user"},
                new Object[] {Map.of("positive", List.of("a"), "exclude_seen", true), "exclude_seen"});
        for (Object[] c : cases) {
            client.post().uri("/v1/collections/docs/recommend").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(c[0])
                    .exchange().expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error.param").isEqualTo(c[1]);
        }
    }

    @Test
    void shouldAcceptOneInteractionOrABatchWith202() {
        // one, with defaults
        client.post().uri("/v1/collections/shop/interactions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("user", "u-42", "item_id", "sku-1", "kind", "view"))
                .exchange().expectStatus().isAccepted()
                .expectBody().jsonPath("$.accepted").isEqualTo(1).jsonPath("$.collection").isEqualTo("shop");
        // a batch, with weights, times and metadata
        client.post().uri("/v1/collections/shop/interactions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("interactions", List.of(
                        Map.of("user", "u-42", "item_id", "sku-2", "kind", "PURCHASE", "weight", 2.5,
                                "occurred_at", "2026-11-30T10:00:00+01:00", "metadata", Map.of("surface", "home")),
                        Map.of("user", "u-7", "item_id", "sku-1", "kind", "add_to_cart"))))
                .exchange().expectStatus().isAccepted()
                .expectBody().jsonPath("$.accepted").isEqualTo(2);

        assertThat(Stubs.interactions).hasSize(3);
        Interaction view = Stubs.interactions.get(0);
        assertThat(view.getTenantId()).isEqualTo("t1");
        assertThat(view.getCollection()).isEqualTo("shop");
        assertThat(view.getKind()).isEqualTo(InteractionKind.VIEW);
        assertThat(view.getWeight()).isNull();
        assertThat(view.getOccurredAt()).isEqualTo(NOW);
        Interaction purchase = Stubs.interactions.get(1);
        assertThat(purchase.getKind()).isEqualTo(InteractionKind.PURCHASE);
        assertThat(purchase.getWeight()).isEqualTo(2.5);
        assertThat(purchase.getOccurredAt()).isEqualTo(Instant.parse("2026-11-30T09:00:00Z"));
        assertThat(purchase.getMetadata()).containsEntry("surface", "home");
        assertThat(Stubs.interactions.get(2).getKind()).isEqualTo(InteractionKind.ADD_TO_CART);
    }

    @Test
    void shouldRejectAnInvalidInteractionWith400NamingTheFieldAndPublishNothing() {
        Map<String, Object> ok = Map.of("user", "u-42", "item_id", "sku-1", "kind", "view");
        List<Object[]> cases = List.of(
                new Object[] {Map.of("item_id", "sku-1", "kind", "view"), "user"},
                new Object[] {Map.of("user", "u-42", "item_id", "a/b", "kind", "view"), "item_id"},
                new Object[] {Map.of("user", "u-42", "item_id", "sku-1", "kind", "stare"), "kind"},
                new Object[] {Map.of("user", "u-42", "item_id", "sku-1", "kind", "view", "weight", 0), "weight"},
                new Object[] {Map.of("user", "u-42", "item_id", "sku-1", "kind", "view", "weight", "heavy"), "weight"},
                new Object[] {Map.of("user", "u-42", "item_id", "sku-1", "kind", "view", "occurred_at", "yesterday"),
                        "occurred_at"},
                new Object[] {Map.of("user", "u-42", "item_id", "sku-1", "kind", "view",
                        "occurred_at", Instant.now().plus(Duration.ofHours(1)).toString()), "occurred_at"},
                new Object[] {Map.of("interactions", List.of()), "interactions"},
                new Object[] {Map.of("interactions", java.util.Collections.nCopies(101, ok)), "interactions"},
                new Object[] {Map.of("interactions", List.of(ok, Map.of("user", "u-42", "item_id", "sku-1"))),
                        "interactions[1].kind"},
                new Object[] {Map.of("interactions", List.of(ok), "user", "u-1"), "interactions"});
        for (Object[] c : cases) {
            client.post().uri("/v1/collections/shop/interactions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(c[0])
                    .exchange().expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.param").isEqualTo(c[1]);
        }
        client.post().uri("/v1/collections/shop/interactions").exchange().expectStatus().isUnauthorized();
        assertThat(Stubs.interactions).isEmpty();
    }

    @Test
    void shouldAnswerAnUnknownExampleReportedByTheScorerWith400() {
        Stubs.search = Mono.error(new UpstreamFailureException(new ReplyError(
                ErrorType.INVALID_REQUEST_ERROR, ErrorCode.INVALID_REQUEST, "no such item in the collection: ghost")));

        client.post().uri("/v1/collections/docs/recommend").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("positive", List.of("ghost")))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("ghost"));
    }

    @Test
    void shouldAnswerASearchOfAScorerPartitionBeingRebuiltWith503AndRetryAfter() {
        // given the scorer's answer while the collection's partition is rebuilt after a rebalance (decision 0034)
        Stubs.search = Mono.error(new UpstreamFailureException(new ReplyError(ErrorType.SERVER_ERROR,
                ErrorCode.TIMEOUT, "the index partition of 'docs' is being rebuilt; retry shortly.")));

        // when / then
        client.post().uri("/v1/collections/docs/search").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("query", "alpha"))
                .exchange().expectStatus().isEqualTo(503)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("timeout")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("rebuilt"));
    }

    private WebTestClient.RequestHeadersSpec<?> embeddings() {
        return client.post().uri("/v1/embeddings").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("model", "all-minilm-l6-v2", "input", "a"));
    }

    private WebTestClient.ResponseSpec chat(boolean stream, String model) {
        return client.post().uri("/v1/chat/completions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", model, "stream", stream,
                        "messages", List.of(Map.of("role", "user", "content", "hi"))))
                .exchange();
    }

    private static void expectError(WebTestClient.RequestHeadersSpec<?> request, int status, String code) {
        expectError(request.exchange(), status, code);
    }

    private static void expectError(WebTestClient.ResponseSpec response, int status, String code) {
        response.expectStatus().isEqualTo(status)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo(code)
                .jsonPath("$.error.message").isNotEmpty()
                .jsonPath("$.error.type").isNotEmpty();
    }

    static List<String> dataLines(String body) {
        List<String> data = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                data.add(line);
            }
        }
        return data;
    }

    private static ChatChunk chunk(ChatRequested request, int seq, String delta, FinishReason finishReason) {
        return ChatChunk.newBuilder().setRequestId(request.getRequestId()).setSeq(seq).setModel(request.getModel())
                .setDelta(delta).setFinishReason(finishReason).build();
    }

    private static ChatChunk attempt(ChatChunk chunk, String attempt) {
        chunk.setAttempt(attempt);
        return chunk;
    }

    private static ChatChunk finalChunk(ChatRequested request, int seq) {
        ChatChunk chunk = chunk(request, seq, "", FinishReason.STOP);
        chunk.setUsage(new TokenUsage(7, 2));
        return chunk;
    }

    private static ChatChunk errorChunk(ChatRequested request, int seq) {
        ChatChunk chunk = chunk(request, seq, "", FinishReason.ERROR);
        chunk.setError(new ReplyError(ErrorType.SERVER_ERROR, ErrorCode.PROVIDER_UNAVAILABLE, "every provider failed"));
        return chunk;
    }

    static ApiKey key(String id, String tenant, String secret, ApiKeyStatus status) {
        return ApiKey.newBuilder().setId(id).setTenantId(tenant).setSha256(ApiKeyHash.sha256Hex(secret))
                .setPrefix("fk-").setScopes(List.of()).setStatus(status).setUpdatedAt(Instant.now()).build();
    }

    /** A tenant allowed 2 requests a minute. */
    static Tenant limitedTenant() {
        return Tenant.newBuilder().setId("t3").setName("t3").setPlan(Plan.FREE).setStatus(TenantStatus.ACTIVE)
                .setRequestsPerMinute(2).setTokensPerDay(1000).setUpdatedAt(Instant.EPOCH).build();
    }

    static Tenant tenant(String id, TenantStatus status) {
        return Tenant.newBuilder().setId(id).setName(id).setPlan(Plan.FREE).setStatus(status)
                .setRequestsPerMinute(60).setTokensPerDay(1000).setUpdatedAt(Instant.now()).build();
    }


    @Test
    void shouldRefuseTransactionWhoseTimeOrWaitHasTheWrongShape() {
        assertTransactionRefused(Map.of("occurred_at", "yesterday"), "occurred_at", "RFC 3339");
        assertTransactionRefused(Map.of("occurred_at", 1764583530), "occurred_at", "RFC 3339");
        assertTransactionRefused(Map.of("wait", "yes"), "wait", "true or false");
        assertTransactionRefused(Map.of("amount", 12.5), "amount", "decimal string");
        assertTransactionRefused(Map.of("metadata", Map.of("nested", Map.of("a", "b"))), "metadata.nested", "string");
        assertThat(Stubs.transactions).isEmpty();
    }

    @Test
    void shouldNameEveryProblemOfATransactionAndTheFirstAsParam() {
        Map<String, Object> body = new java.util.HashMap<>(transaction());
        body.remove("merchant_category");
        body.put("country", "Germany");
        client.post().uri("/v1/risk/transactions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.param").isEqualTo("merchant_category")
                .jsonPath("$.error.message").value(message -> assertThat((String) message)
                        .contains("merchant_category is required").contains("country must be an ISO 3166-1"));
        assertThat(Stubs.transactions).isEmpty();
    }

    @Test
    void shouldAcceptTransactionAndPublishItForTheCallersTenant() {
        client.post().uri("/v1/risk/transactions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(transaction()).exchange()
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.transaction_id").isEqualTo("tx-1").jsonPath("$.status").isEqualTo("accepted");
        assertThat(Stubs.transactions).singleElement().satisfies(tx -> {
            assertThat(tx.getTenantId()).isEqualTo("t1");
            assertThat(tx.getAmount().getAmount()).isEqualTo("12.50");
        });
    }

    private void assertTransactionRefused(Map<String, Object> change, String param, String messagePart) {
        Map<String, Object> body = new java.util.HashMap<>(transaction());
        body.putAll(change);
        client.post().uri("/v1/risk/transactions").header(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo(param)
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains(messagePart));
    }

    private static Map<String, Object> transaction() {
        return Map.of("transaction_id", "tx-1", "account_id", "acct-1", "amount", "12.50", "currency", "EUR",
                "merchant", "shop", "merchant_category", "5411", "country", "DE", "channel", "ecommerce");
    }
}
