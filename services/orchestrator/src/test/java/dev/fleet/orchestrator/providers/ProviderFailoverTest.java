package dev.fleet.orchestrator.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.ModelFallbackUsed;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Kind;
import dev.fleet.orchestrator.config.FleetProvidersProperties.Provider;
import dev.fleet.orchestrator.config.ProvidersConfiguration;
import dev.fleet.orchestrator.domain.ChatContext;
import dev.fleet.orchestrator.domain.ChatOutcome;
import dev.fleet.orchestrator.domain.ChatProvider;
import dev.fleet.orchestrator.domain.ChatRouter;
import dev.fleet.orchestrator.domain.ChatService;
import dev.fleet.orchestrator.domain.ChatSettlement;
import dev.fleet.orchestrator.domain.ProcessedRequests;
import dev.fleet.orchestrator.domain.RecordingExchange;
import dev.fleet.orchestrator.domain.RoutePlan;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.SimulatedBehaviour;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/**
 * Every failure mode of a provider, against real simulators over HTTP, through the chat service
 * and the router as the application wires them: a route of two targets, {@code primary/m1} (the
 * simulator {@link #PRIMARY}) and {@code backup/m2} ({@link #BACKUP}). Short timeouts: first token
 * 400 ms, between tokens 400 ms; two attempts per target; the primary's breaker opens after two
 * endpoint faults out of two calls.
 */
class ProviderFailoverTest {

    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final Duration SLOW = Duration.ofSeconds(3);

    private static OpenAiSimulator PRIMARY;
    private static OpenAiSimulator BACKUP;
    private static ConnectionProvider pool;

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();
    private final RecordingExchange exchange = new RecordingExchange();

    @BeforeAll
    static void startSimulators() {
        PRIMARY = OpenAiSimulator.start();
        BACKUP = OpenAiSimulator.start();
        pool = ConnectionProvider.create("failover-test", 50);
        // the first call of a JVM loads and initialises the HTTP and JSON stacks: not a provider's slowness
        new ProviderFailoverTest().provider("warm-up", PRIMARY.baseUrl(), "m1", Duration.ofSeconds(20)).stream(request("hi"),
                new RecordingExchange()).blockLast(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopSimulators() {
        PRIMARY.close();
        BACKUP.close();
        pool.dispose();
    }

    @BeforeEach
    void resetSimulators() {
        PRIMARY.reset().forgetRequests();
        BACKUP.reset().forgetRequests();
    }

    @Test
    void retriesAServerErrorThenFallsBackToTheNextTarget() {
        for (int status : new int[] {500, 503}) {
            // given: the primary fails every attempt (and its breaker has not seen the previous round)
            breakers.remove("primary");
            PRIMARY.defaults(SimulatedBehaviour.normal().withErrorStatus(status));
            ChatService chats = chats(providers(PRIMARY.baseUrl()));
            ChatRequested request = request("What is Kafka?");
            int primaryCalls = PRIMARY.requests().size();
            int backupCalls = BACKUP.requests().size();
            RecordingExchange exchange = new RecordingExchange();

            // when
            ChatOutcome outcome = chats.complete(request, exchange).block(SLOW);

            // then: two attempts at the primary, then the backup answered the whole question
            assertThat(outcome).isEqualTo(ChatOutcome.SUCCEEDED);
            assertThat(PRIMARY.requests().size() - primaryCalls).isEqualTo(2);
            assertThat(BACKUP.requests().size() - backupCalls).isEqualTo(1);
            assertThat(exchange.text()).isEqualTo(OpenAiSimulator.answerTo("What is Kafka?"));
            assertThat(last(exchange).getFinishReason()).isEqualTo(FinishReason.STOP);
            assertThat(fallbacks(exchange)).singleElement().satisfies(used -> {
                assertThat(used.getRequestedModel()).isEqualTo("smart");
                assertThat(used.getFailedProvider()).isEqualTo("primary");
                assertThat(used.getUsedProvider()).isEqualTo("backup");
                assertThat(used.getUsedModel()).isEqualTo("m2");
                assertThat(used.getErrorCode()).isEqualTo("provider_unavailable");
                assertThat(used.getReason()).contains("HTTP " + status);
            });
        }
    }

    @Test
    void neitherRetriesNorFallsBackFromARequestTheProviderRejected() {
        // given
        PRIMARY.defaults(SimulatedBehaviour.normal().withErrorStatus(400));

        // when
        ChatOutcome outcome = chats(providers(PRIMARY.baseUrl())).complete(request("hi"), exchange).block(SLOW);

        // then: one call, no fallback, the client's fault (400 at the gateway)
        assertThat(outcome).isEqualTo(ChatOutcome.FAILED);
        assertThat(PRIMARY.requests()).hasSize(1);
        assertThat(BACKUP.requests()).isEmpty();
        assertThat(fallbacks(exchange)).isEmpty();
        assertThat(exchange.chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.getFinishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(chunk.getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
            assertThat(chunk.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        });
    }

    @Test
    void retriesARateLimitedAttemptAfterABackoff() {
        // given: one 429, then answers
        PRIMARY.next(1, SimulatedBehaviour.normal().withErrorStatus(429));

        // when
        ChatOutcome outcome = chats(providers(PRIMARY.baseUrl())).complete(request("hi"), exchange).block(SLOW);

        // then: the second attempt at the same target answered
        assertThat(outcome).isEqualTo(ChatOutcome.SUCCEEDED);
        assertThat(PRIMARY.requests()).hasSize(2);
        assertThat(BACKUP.requests()).isEmpty();
        assertThat(fallbacks(exchange)).isEmpty();
        assertThat(exchange.text()).isEqualTo(OpenAiSimulator.answerTo("hi"));
    }

    @Test
    void answersRateLimitedWhenEveryTargetIsRateLimited() {
        // given
        PRIMARY.defaults(SimulatedBehaviour.normal().withErrorStatus(429));
        BACKUP.defaults(SimulatedBehaviour.normal().withErrorStatus(429));

        // when
        ChatOutcome outcome = chats(providers(PRIMARY.baseUrl())).complete(request("hi"), exchange).block(SLOW);

        // then: both targets tried twice, one fallback, and the client hears 429 (rate_limit_error)
        assertThat(outcome).isEqualTo(ChatOutcome.FAILED);
        assertThat(PRIMARY.requests()).hasSize(2);
        assertThat(BACKUP.requests()).hasSize(2);
        assertThat(fallbacks(exchange)).singleElement()
                .satisfies(used -> assertThat(used.getErrorCode()).isEqualTo("rate_limit_exceeded"));
        assertThat(exchange.chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.getError().getType()).isEqualTo(ErrorType.RATE_LIMIT_ERROR);
            assertThat(chunk.getError().getMessage()).contains("all 2 targets of 'smart' failed");
        });
    }

    @Test
    void answersServerErrorUnlessEveryTargetIsRateLimited() {
        // given: the primary is down, the backup is rate limited
        PRIMARY.defaults(SimulatedBehaviour.normal().withErrorStatus(502));
        BACKUP.defaults(SimulatedBehaviour.normal().withErrorStatus(429));

        // when
        chats(providers(PRIMARY.baseUrl())).complete(request("hi"), exchange).block(SLOW);

        // then: the server error (a 502 at the gateway), not the rate limit
        assertThat(exchange.chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.getError().getType()).isEqualTo(ErrorType.SERVER_ERROR);
            assertThat(chunk.getError().getCode()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(chunk.getError().getMessage()).contains("HTTP 502");
        });
    }

    @Test
    void fallsBackFromAnEndpointThatRefusesConnections() throws IOException {
        // given: a port nobody listens on
        String refused = "http://127.0.0.1:" + freePort();

        // when
        ChatOutcome outcome = chats(providers(refused)).complete(request("hi"), exchange).block(SLOW);

        // then
        assertThat(outcome).isEqualTo(ChatOutcome.SUCCEEDED);
        assertThat(exchange.text()).isEqualTo(OpenAiSimulator.answerTo("hi"));
        assertThat(fallbacks(exchange)).singleElement().satisfies(used -> {
            assertThat(used.getErrorCode()).isEqualTo("provider_unavailable");
            assertThat(used.getReason()).contains("cannot be reached");
        });
    }

    @Test
    void fallsBackFromATargetThatStallsBeforeItsFirstToken() {
        // given: the primary's first token would come after the timeout
        PRIMARY.defaults(SimulatedBehaviour.normal().withTimeToFirstToken(TIMEOUT.multipliedBy(4)));

        // when
        ChatOutcome outcome = chats(providers(PRIMARY.baseUrl())).complete(request("hi"), exchange).block(SLOW);

        // then
        assertThat(outcome).isEqualTo(ChatOutcome.SUCCEEDED);
        assertThat(exchange.text()).isEqualTo(OpenAiSimulator.answerTo("hi"));
        assertThat(fallbacks(exchange)).singleElement().satisfies(used -> {
            assertThat(used.getErrorCode()).isEqualTo("timeout");
            assertThat(used.getReason()).contains("no first token within 400ms");
        });
        assertThat(PRIMARY.requests()).hasSize(2);
    }

    @Test
    void endsTheStreamWithAnErrorWhenTheProviderDisconnectsMidStream() {
        // given: three tokens, then the connection drops
        PRIMARY.defaults(SimulatedBehaviour.normal().withAnswerTokens(10).withDisconnectAfter(3));

        // when
        ChatOutcome outcome = chats(providers(PRIMARY.baseUrl())).complete(request("hi"), exchange).block(SLOW);

        // then: the text as far as it came, then an error chunk — no clean finish, no retry, no fallback
        assertThatEndsWithErrorAfterText(outcome);
    }

    @Test
    void endsTheStreamWithAnErrorWhenTheProviderStallsMidStream() {
        // given: three tokens, then silence longer than the token timeout
        PRIMARY.defaults(SimulatedBehaviour.normal().withAnswerTokens(10).withStall(3, TIMEOUT.multipliedBy(4)));

        // when
        ChatOutcome outcome = chats(providers(PRIMARY.baseUrl())).complete(request("hi"), exchange).block(SLOW);

        // then
        assertThatEndsWithErrorAfterText(outcome);
        assertThat(last(exchange).getError().getMessage()).contains("sent no token for 400ms during the stream");
    }

    @Test
    void sendsTheNextRequestStraightToTheFallbackOnceTheBreakerIsOpen() {
        // given: a primary that keeps failing, and one request that opened its breaker
        PRIMARY.defaults(SimulatedBehaviour.normal().withErrorStatus(500));
        ChatService chats = chats(providers(PRIMARY.baseUrl()));
        chats.complete(request("first"), new RecordingExchange()).block(SLOW);
        int primaryCalls = PRIMARY.requests().size();

        // when
        ChatOutcome outcome = chats.complete(request("second"), exchange).block(SLOW);

        // then: the primary was not called at all
        assertThat(primaryCalls).isEqualTo(2);
        assertThat(outcome).isEqualTo(ChatOutcome.SUCCEEDED);
        assertThat(PRIMARY.requests()).hasSize(primaryCalls);
        assertThat(exchange.text()).isEqualTo(OpenAiSimulator.answerTo("second"));
        assertThat(fallbacks(exchange)).singleElement()
                .satisfies(used -> assertThat(used.getReason()).contains("too many recent failures"));
    }

    @Test
    void publishesOneFallbackEventPerHandOverUnderIdsARedeliveryRepeats() {
        // given: three targets, the first two fail
        PRIMARY.defaults(SimulatedBehaviour.normal().withErrorStatus(503));
        BACKUP.defaults(SimulatedBehaviour.normal().withErrorStatus(503));
        try (OpenAiSimulator third = OpenAiSimulator.start()) {
            List<ChatProvider> providers = new ArrayList<>(providers(PRIMARY.baseUrl()));
            providers.add(provider("third", third.baseUrl(), "m3"));
            RoutePlan plan = new RoutePlan("smart", List.of(new ModelTarget("primary", "m1"),
                    new ModelTarget("backup", "m2"), new ModelTarget("third", "m3")), null);
            ChatRequested request = request("hi");
            RecordingExchange redelivered = new RecordingExchange();

            // when: answered, then answered again (a redelivery)
            chats(providers, plan).complete(request, exchange).block(SLOW);
            chats(providers, plan).complete(request, redelivered).block(SLOW);

            // then
            assertThat(exchange.text()).isEqualTo(OpenAiSimulator.answerTo("hi"));
            assertThat(fallbacks(exchange)).extracting(ModelFallbackUsed::getFailedProvider,
                    ModelFallbackUsed::getUsedProvider).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("primary", "backup"),
                            org.assertj.core.groups.Tuple.tuple("backup", "third"));
            List<String> ids = fallbackIds(exchange);
            assertThat(ids).doesNotHaveDuplicates().hasSize(2);
            assertThat(fallbackIds(redelivered)).isEqualTo(ids);
        }
    }

    private void assertThatEndsWithErrorAfterText(ChatOutcome outcome) {
        assertThat(outcome).isEqualTo(ChatOutcome.FAILED);
        // the text as far as it came (Spring AI's OpenAI client holds back the chunk it has not seen followed)
        assertThat(exchange.text()).matches("token( token){1,2}");
        assertThat(exchange.chunks).noneMatch(chunk -> chunk.getFinishReason() == FinishReason.STOP);
        ChatChunk last = last(exchange);
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.ERROR);
        assertThat(last.getDelta()).isEmpty();
        assertThat(last.getError().getCode()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE);
        assertThat(last.getError().getType()).isEqualTo(ErrorType.SERVER_ERROR);
        assertThat(exchange.chunks.get(exchange.chunks.size() - 2).getDelta()).isEqualTo(" token");
        assertThat(PRIMARY.requests()).hasSize(1);
        assertThat(fallbacks(exchange)).isEmpty();
        assertThat(BACKUP.requests()).isEmpty();
    }

    private List<ChatProvider> providers(String primaryUrl) {
        return List.of(provider("primary", primaryUrl, "m1"), provider("backup", BACKUP.baseUrl(), "m2"));
    }

    private ChatProvider provider(String name, String baseUrl, String model) {
        return provider(name, baseUrl, model, TIMEOUT);
    }

    private ChatProvider provider(String name, String baseUrl, String model, Duration timeout) {
        Provider settings = new Provider(Kind.OPENAI, baseUrl, null, List.of(model), timeout, timeout,
                Duration.ofSeconds(5), 2, Duration.ofMillis(20), 50, 2, 2, Duration.ofMinutes(1), 256);
        return ProvidersConfiguration.provider(name, settings, WebClient.builder(), pool, ObservationRegistry.NOOP,
                breakers, retries);
    }

    private ChatService chats(List<ChatProvider> providers) {
        return chats(providers, new RoutePlan("smart",
                List.of(new ModelTarget("primary", "m1"), new ModelTarget("backup", "m2")), null));
    }

    private static ChatService chats(List<ChatProvider> providers, RoutePlan plan) {
        return new ChatService(new ChatRouter(providers, Clock.systemUTC(), "orchestrator"), new NothingProcessed(),
                TokenCounter.cl100k(), Clock.systemUTC(), "orchestrator", Duration.ofSeconds(30), ChatContext.NONE,
                request -> Mono.just(plan));
    }

    private static ChatRequested request(String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setModel("smart")
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, question)))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-1")
                .setRequestedAt(Instant.now())
                .build();
    }

    private static ChatChunk last(RecordingExchange exchange) {
        return exchange.chunks.get(exchange.chunks.size() - 1);
    }

    private static List<ModelFallbackUsed> fallbacks(RecordingExchange exchange) {
        return exchange.events.stream().map(DomainEvent::getPayload).filter(ModelFallbackUsed.class::isInstance)
                .map(ModelFallbackUsed.class::cast).toList();
    }

    private static List<String> fallbackIds(RecordingExchange exchange) {
        return exchange.events.stream().filter(e -> e.getPayload() instanceof ModelFallbackUsed)
                .map(DomainEvent::getEventId).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** No request was answered before: each is answered. */
    private static final class NothingProcessed implements ProcessedRequests {
        @Override
        public Mono<Boolean> isCompleted(String requestId) {
            return Mono.just(false);
        }

        @Override
        public Mono<Boolean> settle(ChatRequested request, ChatOutcome outcome, ChatSettlement settlement) {
            return settlement.sendThroughExchange().thenReturn(true);
        }
    }
}
