package dev.fleet.gateway.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.gateway.domain.ratelimit.LimitsDirectory;
import dev.fleet.gateway.domain.ratelimit.RateLimiter;
import dev.fleet.platform.tokens.TokenCounter;
import dev.fleet.schemas.ChatMessages;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ChatCompletionsTest {

    private static final Caller CALLER = new Caller("tenant-1", "key-1", java.util.List.of());
    private static final RateLimiter UNLIMITED = new RateLimiter(new LimitsDirectory(),
            (budget, requests, tokens, beyond, limits) -> reactor.core.publisher.Mono.error(new AssertionError(
                    "a tenant without limits claims nothing")), new RefusalCounter(Clock.systemUTC()), System::nanoTime,
            1, Duration.ofMillis(250));

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    private final AtomicReference<ChatRequested> sent = new AtomicReference<>();

    private ChatCompletions chat(Flux<ChatChunk> replies) {
        ChatRequestChannel channel = request -> {
            sent.set(request);
            return Mono.just(replies);
        };
        return new ChatCompletions(channel, "gateway-abc", Duration.ofSeconds(60), Clock.fixed(NOW, ZoneOffset.UTC),
                UNLIMITED, TokenCounter.cl100k());
    }

    @Test
    void shouldPublishRequestInConversationNamedByMetadata() {
        // given
        ChatCommand command = command(Map.of("conversation_id", "conv-7", "collection", "docs"));
        // when
        ChatExchange exchange = chat(Flux.empty()).submit(CALLER, command).block();
        // then
        ChatRequested request = sent.get();
        assertThat(request.getConversationId()).isEqualTo("conv-7");
        assertThat(request.getTenantId()).isEqualTo("tenant-1");
        assertThat(request.getReplyTo()).isEqualTo("gateway-abc");
        assertThat(request.getModel()).isEqualTo("extractive");
        assertThat(request.getStream()).isTrue();
        assertThat(request.getTemperature()).isEqualTo(0.2);
        assertThat(request.getMaxTokens()).isNull();
        assertThat(request.getMetadata()).containsEntry("collection", "docs");
        assertThat(request.getRequestedAt()).isEqualTo(NOW);
        assertThat(exchange.requestId()).isEqualTo(request.getRequestId());
        assertThat(exchange.acceptedAt()).isEqualTo(NOW);
    }

    @Test
    void shouldStartNewConversationWhenClientNamesNone() {
        chat(Flux.empty()).submit(CALLER, command(Map.of())).block();

        assertThat(UUID.fromString(sent.get().getConversationId())).isNotNull();
    }

    @Test
    void shouldDropRedeliveredChunks() {
        // given the orchestrator re-sent chunk 0 and 1 after a retry
        Flux<ChatChunk> replies = Flux.just(chunk(0, "a", null).build(), chunk(1, "b", null).build(),
                chunk(0, "a", null).build(), chunk(1, "b", null).build(), chunk(2, "", FinishReason.STOP).build());
        // when
        ChatExchange exchange = chat(replies).submit(CALLER, command(Map.of())).block();
        // then
        StepVerifier.create(exchange.replies().map(ChatChunk::getSeq)).expectNext(0, 1, 2).verifyComplete();
    }

    @Test
    void shouldEndStreamWithErrorWhenRedeliveryRestartsAnswerAfterText() {
        // given attempt a streamed text before the request was redelivered and attempt b answered
        Flux<ChatChunk> replies = Flux.just(chunk(0, "a", null).setAttempt("a").build(),
                chunk(0, "b", null).setAttempt("b").build(), chunk(1, "", FinishReason.STOP).setAttempt("b").build());
        // when
        ChatExchange exchange = chat(replies).submit(CALLER, command(Map.of())).block();
        // then
        StepVerifier.create(exchange.replies().map(ChatChunk::getAttempt)).expectNext("a")
                .expectError(AttemptChangedException.class).verify();
    }

    @Test
    void shouldAnswerWholeCompletionFromNewestAttempt() {
        // given the same redelivery, for a request that does not stream
        Flux<ChatChunk> replies = Flux.just(chunk(0, "a", null).setAttempt("a").build(),
                chunk(0, "b", null).setAttempt("b").build(), chunk(1, "", FinishReason.STOP).setAttempt("b").build());
        ChatCommand whole = new ChatCommand("extractive", List.of(ChatMessages.text(ChatRole.USER, "hi")), false,
                false, 0.2, null, Map.of(), null);
        // when
        ChatExchange exchange = chat(replies).submit(CALLER, whole).block();
        // then
        StepVerifier.create(exchange.replies().map(c -> c.getAttempt() + ":" + c.getDelta()))
                .expectNext("b:b", "b:").verifyComplete();
    }

    @Test
    void shouldFailWithReplyTimeoutWhenOrchestratorStaysSilent() {
        StepVerifier.withVirtualTime(() -> chat(Flux.never()).submit(CALLER, command(Map.of()))
                        .flatMapMany(ChatExchange::replies))
                .thenAwait(Duration.ofSeconds(61))
                .expectError(ReplyTimeoutException.class)
                .verify(Duration.ofSeconds(5));
    }

    private static ChatCommand command(Map<String, String> metadata) {
        return new ChatCommand("extractive", List.of(ChatMessages.text(ChatRole.USER, "hi")), true, false, 0.2, null,
                metadata, null);
    }

    static ChatChunk.Builder chunk(int seq, String delta, FinishReason finishReason) {
        return ChatChunk.newBuilder().setRequestId("r").setSeq(seq).setModel("extractive").setDelta(delta)
                .setFinishReason(finishReason);
    }
}
