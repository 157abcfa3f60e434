package dev.fleet.orchestrator.domain;

import dev.fleet.platform.tokens.TokenCounter;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.CompletionFailed;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.StreamAborted;
import dev.fleet.events.v1.StreamCompleted;
import dev.fleet.events.v1.StreamStarted;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.events.v1.UsageSource;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.platform.kafka.UsageRecorder;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class ChatServiceTest {

    private final InMemoryProcessed processed = new InMemoryProcessed();
    private final RecordingExchange exchange = new RecordingExchange();

    @Test
    void streamsTheAnswerThenAFinalChunkWithUsage() {
        // given
        ChatService service = service(provider("echo", request -> Flux.just("Hello", " world")), Duration.ofSeconds(5));
        ChatRequested request = request("echo", "hi there");

        // when
        ChatOutcome outcome = service.complete(request, exchange).block();

        // then
        assertThat(outcome).isEqualTo(ChatOutcome.SUCCEEDED);
        assertThat(exchange.chunks).extracting(ChatChunk::getSeq).containsExactly(0, 1, 2);
        assertThat(exchange.text()).isEqualTo("Hello world");
        ChatChunk last = exchange.chunks.get(2);
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.STOP);
        assertThat(last.getError()).isNull();
        TokenCounter tokens = TokenCounter.cl100k();
        assertThat(last.getUsage()).isEqualTo(new TokenUsage(tokens.promptTokens(request.getMessages()),
                tokens.count("Hello world")));
        assertThat(exchange.chunks.subList(0, 2)).allSatisfy(c -> assertThat(c.getFinishReason()).isNull());
    }

    @Test
    void recordsUsageAndSuccessUnderIdsDerivedFromTheRequest() {
        // given
        ChatService service = service(provider("echo", request -> Flux.just("Hi")), Duration.ofSeconds(5));
        ChatRequested request = request("echo", "hi");

        // when
        service.complete(request, exchange).block();

        // then
        UsageRecorded prompt = exchange.usage.get(UsageRecorder.eventId(request.getRequestId(), Meter.PROMPT_TOKENS));
        UsageRecorded completion = exchange.usage.get(UsageRecorder.eventId(request.getRequestId(), Meter.COMPLETION_TOKENS));
        assertThat(prompt.getMeter()).isEqualTo(Meter.PROMPT_TOKENS);
        assertThat(completion.getMeter()).isEqualTo(Meter.COMPLETION_TOKENS);
        assertThat(completion.getQuantity()).isEqualTo(1);
        assertThat(prompt.getModel()).isEqualTo("echo");
        assertThat(prompt.getTenantId()).isEqualTo(request.getTenantId());
        assertThat(exchange.events).filteredOn(e -> e.getPayload() instanceof CompletionSucceeded).singleElement()
                .satisfies(event -> {
            assertThat(event.getEventId()).isEqualTo(EventIds.derive(request.getRequestId(), "completion"));
            assertThat(event.getSubject()).isEqualTo("request/" + request.getRequestId());
            assertThat(event.getPayload()).isInstanceOf(CompletionSucceeded.class);
        });
        assertThat(processed.done).containsEntry(request.getRequestId(), ChatOutcome.SUCCEEDED);
    }

    @Test
    void prefersTheUsageTheProviderReported() {
        // given
        ChatProvider reporting = new FixedProvider("m", request -> Flux.just(ProviderChunk.text("ok"),
                ProviderChunk.usage(new TokenUsage(40, 2))));
        ChatService service = service(reporting, Duration.ofSeconds(5));

        // when
        service.complete(request("m", "q"), exchange).block();

        // then: the client, the bill and the stream event all say 40 + 2, reported
        assertThat(exchange.chunks.get(exchange.chunks.size() - 1).getUsage()).isEqualTo(new TokenUsage(40, 2));
        assertThat(billed()).isEqualTo(new TokenUsage(40, 2));
        assertThat(payload(StreamCompleted.class)).satisfies(completed -> {
            assertThat(completed.getUsageSource()).isEqualTo(UsageSource.REPORTED);
            assertThat(completed.getPromptTokens()).isEqualTo(40);
            assertThat(completed.getCompletionTokens()).isEqualTo(2);
        });
    }

    @Test
    void publishesStreamStartedThenStreamCompletedWithTheCountedUsageUnderIdsOfTheAttempt() {
        // given
        ChatService service = service(provider("echo", request -> Flux.just("Hello", " world")), Duration.ofSeconds(5));
        ChatRequested request = request("echo", "hi there");

        // when
        service.complete(request, exchange).block();

        // then
        StreamStarted started = payload(StreamStarted.class);
        StreamCompleted completed = payload(StreamCompleted.class);
        assertThat(started.getRequestId()).isEqualTo(request.getRequestId());
        assertThat(started.getStream()).isTrue();
        assertThat(started.getDeadlineAt()).isEqualTo(request.getRequestedAt().plusSeconds(5));
        assertThat(completed.getAttempt()).isEqualTo(started.getAttempt()).isNotBlank();
        assertThat(completed.getUsageSource()).isEqualTo(UsageSource.COUNTED);
        assertThat(completed.getChunks()).isEqualTo(3);
        assertThat(completed.getUsedModel()).isEqualTo("echo");
        assertThat(completed.getProvider()).isEqualTo("fixed");
        TokenUsage last = exchange.chunks.get(2).getUsage();
        assertThat(new TokenUsage(completed.getPromptTokens(), completed.getCompletionTokens())).isEqualTo(last);
        assertThat(billed()).isEqualTo(last);
        assertThat(exchange.events).extracting(DomainEvent::getEventId).doesNotHaveDuplicates()
                .contains(EventIds.derive(request.getRequestId(), "stream/" + started.getAttempt() + "/started"),
                        EventIds.derive(request.getRequestId(), "stream/" + started.getAttempt() + "/ended"));
    }

    @Test
    void billsTheTextDeliveredBeforeAMidStreamFailureAndTellsTheClientOnTheErrorChunk() {
        // given
        ChatService service = service(provider("m", request -> Flux.concat(Flux.just("partial", " answer"),
                Flux.error(ChatFailure.providerUnavailable("gone")))), Duration.ofSeconds(5));
        ChatRequested request = request("m", "q");

        // when
        service.complete(request, exchange).block();

        // then
        TokenCounter tokens = TokenCounter.cl100k();
        TokenUsage delivered = new TokenUsage(tokens.promptTokens(request.getMessages()),
                tokens.count("partial answer"));
        ChatChunk error = exchange.chunks.get(exchange.chunks.size() - 1);
        assertThat(error.getFinishReason()).isEqualTo(FinishReason.ERROR);
        assertThat(error.getUsage()).isEqualTo(delivered);
        assertThat(billed()).isEqualTo(delivered);
        assertThat(payload(StreamAborted.class)).satisfies(aborted -> {
            assertThat(aborted.getChunksDelivered()).isEqualTo(2);
            assertThat(aborted.getErrorCode()).isEqualTo("provider_unavailable");
            assertThat(aborted.getUsedModel()).isEqualTo("m");
            assertThat(aborted.getUsageSource()).isEqualTo(UsageSource.COUNTED);
            assertThat(new TokenUsage(aborted.getPromptTokens(), aborted.getCompletionTokens())).isEqualTo(delivered);
        });
        assertThat(exchange.events).extracting(e -> e.getPayload().getClass().getSimpleName())
                .containsExactlyInAnyOrder("StreamStarted", "StreamAborted", "CompletionFailed");
    }

    @Test
    void billsNothingForAStreamThatFailedBeforeAnyText() {
        // given
        ChatService service = service(provider("m", request -> Flux.error(ChatFailure.providerUnavailable("down"))),
                Duration.ofSeconds(5));

        // when
        service.complete(request("m", "q"), exchange).block();

        // then
        assertThat(exchange.chunks).singleElement()
                .satisfies(chunk -> assertThat(chunk.getUsage()).isEqualTo(new TokenUsage(0, 0)));
        assertThat(billed()).isEqualTo(new TokenUsage(0, 0));
        assertThat(payload(StreamAborted.class).getChunksDelivered()).isZero();
    }

    @Test
    void billsARedeliveredRequestUnderTheSameUsageIdsButStreamsItAsANewAttempt() {
        // given: the first answer was published but the request never got marked answered
        ChatService service = new ChatService(new ChatRouter(List.of(provider("echo", request -> Flux.just("x")))),
                new NeverMarked(), TokenCounter.cl100k(), Clock.systemUTC(), "orchestrator", Duration.ofSeconds(5));
        ChatRequested request = request("echo", "hi");
        RecordingExchange first = new RecordingExchange();
        service.complete(request, first).block();

        // when
        service.complete(request, exchange).block();

        // then
        assertThat(exchange.usage.keySet()).isEqualTo(first.usage.keySet()).hasSize(2);
        assertThat(eventIds(exchange, CompletionSucceeded.class)).isEqualTo(eventIds(first, CompletionSucceeded.class));
        assertThat(eventIds(exchange, StreamStarted.class)).doesNotContainAnyElementsOf(
                eventIds(first, StreamStarted.class));
        assertThat(eventIds(exchange, StreamCompleted.class)).doesNotContainAnyElementsOf(
                eventIds(first, StreamCompleted.class));
    }

    @Test
    void answersAnUnknownModelWithOneModelNotFoundChunk() {
        // given
        ChatService service = service(provider("echo", request -> Flux.just("x")), Duration.ofSeconds(5));
        ChatRequested request = request("gpt-9", "hi");

        // when
        ChatOutcome outcome = service.complete(request, exchange).block();

        // then
        assertThat(outcome).isEqualTo(ChatOutcome.FAILED);
        assertThat(exchange.chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.getSeq()).isZero();
            assertThat(chunk.getFinishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(chunk.getError().getCode()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
            assertThat(chunk.getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
        });
        assertThat(exchange.usage).isEmpty();
        assertThat(exchange.events).singleElement()
                .satisfies(e -> assertThat(e.getPayload()).isInstanceOfSatisfying(CompletionFailed.class,
                        failed -> assertThat(failed.getCode()).isEqualTo("model_not_found")));
        assertThat(processed.done).containsEntry(request.getRequestId(), ChatOutcome.FAILED);
    }

    @Test
    void endsAReplyThatBrokeMidStreamWithAnErrorChunk() {
        // given
        ChatService service = service(provider("m", request -> Flux.concat(Flux.just("partial"),
                Flux.error(ChatFailure.providerUnavailable("gone")))), Duration.ofSeconds(5));

        // when
        service.complete(request("m", "q"), exchange).block();

        // then
        assertThat(exchange.chunks).extracting(ChatChunk::getSeq).containsExactly(0, 1);
        assertThat(exchange.chunks.get(1).getError().getCode()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE);
        assertThat(exchange.chunks.get(1).getFinishReason()).isEqualTo(FinishReason.ERROR);
    }

    @Test
    void hidesUnexpectedErrorsBehindAnInternalError() {
        // given
        ChatService service = service(provider("m", request -> Flux.error(new IllegalStateException("secret detail"))),
                Duration.ofSeconds(5));

        // when
        service.complete(request("m", "q"), exchange).block();

        // then
        assertThat(exchange.chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.getError().getCode()).isEqualTo(ErrorCode.INTERNAL_ERROR);
            assertThat(chunk.getError().getMessage()).doesNotContain("secret detail");
        });
    }

    @Test
    void endsAnAnswerThatOutlivesTheDeadlineWithATimeoutError() {
        // given
        ChatService service = service(provider("slow", request -> Flux.never()), Duration.ofMillis(200));

        // when
        ChatOutcome outcome = service.complete(request("slow", "q"), exchange).block(Duration.ofSeconds(5));

        // then
        assertThat(outcome).isEqualTo(ChatOutcome.FAILED);
        assertThat(exchange.chunks).singleElement()
                .satisfies(chunk -> assertThat(chunk.getError().getCode()).isEqualTo(ErrorCode.TIMEOUT));
    }

    @Test
    void skipsARequestThatWasAlreadyAnswered() {
        // given
        ChatService service = service(provider("echo", request -> Flux.just("x")), Duration.ofSeconds(5));
        ChatRequested request = request("echo", "hi");
        service.complete(request, new RecordingExchange()).block();

        // when
        ChatOutcome second = service.complete(request, exchange).block();

        // then
        assertThat(second).isEqualTo(ChatOutcome.DUPLICATE);
        assertThat(exchange.chunks).isEmpty();
        assertThat(exchange.usage).isEmpty();
        assertThat(exchange.events).isEmpty();
    }

    @Test
    void answersARequestOlderThanItsDeadlineWithATimeoutNeverAskingTheModelNorBilling() {
        // given: a request made a minute ago, with a 30 s deadline
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        ChatService service = service(provider("echo", request -> {
            asked.incrementAndGet();
            return Flux.just("too late");
        }), Duration.ofSeconds(30));
        ChatRequested request = request("echo", "hi");
        request.setRequestedAt(Instant.now().minusSeconds(60));

        // when
        ChatOutcome outcome = service.complete(request, exchange).block();

        // then
        assertThat(outcome).isEqualTo(ChatOutcome.FAILED);
        assertThat(asked).hasValue(0);
        assertThat(exchange.chunks).singleElement().satisfies(chunk -> {
            assertThat(chunk.getFinishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(chunk.getError().getCode()).isEqualTo(ErrorCode.TIMEOUT);
        });
        assertThat(exchange.usage).isEmpty();
    }

    /** The usage billed, from the UsageRecorded records (prompt, completion). */
    private TokenUsage billed() {
        return new TokenUsage(
                (int) exchange.usage.get(UsageRecorder.eventId(requestIdOf(exchange), Meter.PROMPT_TOKENS)).getQuantity(),
                (int) exchange.usage.get(UsageRecorder.eventId(requestIdOf(exchange), Meter.COMPLETION_TOKENS))
                        .getQuantity());
    }

    private static String requestIdOf(RecordingExchange exchange) {
        return exchange.chunks.get(0).getRequestId();
    }

    private <T> T payload(Class<T> type) {
        return exchange.events.stream().map(DomainEvent::getPayload).filter(type::isInstance).map(type::cast)
                .reduce((a, b) -> {
                    throw new AssertionError("more than one " + type.getSimpleName());
                })
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName()));
    }

    private static List<String> eventIds(RecordingExchange exchange, Class<?> type) {
        return exchange.events.stream().filter(e -> type.isInstance(e.getPayload())).map(DomainEvent::getEventId)
                .toList();
    }

    private ChatService service(ChatProvider provider, Duration deadline) {
        return new ChatService(new ChatRouter(List.of(provider)), processed, TokenCounter.cl100k(),
                Clock.systemUTC(), "orchestrator", deadline);
    }

    private static ChatProvider provider(String model, Function<ChatRequested, Flux<String>> answer) {
        return new FixedProvider(model, request -> answer.apply(request).map(ProviderChunk::text));
    }

    static ChatRequested request(String model, String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setModel(model)
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, question)))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-1")
                .setRequestedAt(Instant.now())
                .build();
    }

    private record FixedProvider(String model, Function<ChatRequested, Flux<ProviderChunk>> answer)
            implements ChatProvider {
        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public Set<String> models() {
            return Set.of(model);
        }

        @Override
        public Flux<ProviderChunk> stream(ChatRequested request, ChatExchange exchange) {
            return answer.apply(request);
        }
    }

    /** A store whose marks never stick: every delivery is answered again (a crash before the mark). */
    private static final class NeverMarked implements ProcessedRequests {
        @Override
        public Mono<Boolean> isCompleted(String requestId) {
            return Mono.just(false);
        }

        @Override
        public Mono<Boolean> settle(ChatRequested request, ChatOutcome outcome, ChatSettlement settlement) {
            return settlement.sendThroughExchange().thenReturn(true);
        }
    }

    private static final class InMemoryProcessed implements ProcessedRequests {
        final Map<String, ChatOutcome> done = new ConcurrentHashMap<>();

        @Override
        public Mono<Boolean> isCompleted(String requestId) {
            return Mono.fromSupplier(() -> done.containsKey(requestId));
        }

        @Override
        public Mono<Boolean> settle(ChatRequested request, ChatOutcome outcome, ChatSettlement settlement) {
            return Mono.fromSupplier(() -> done.putIfAbsent(request.getRequestId(), outcome) == null)
                    .flatMap(first -> first ? settlement.sendThroughExchange().thenReturn(true) : Mono.just(false));
        }
    }
}
