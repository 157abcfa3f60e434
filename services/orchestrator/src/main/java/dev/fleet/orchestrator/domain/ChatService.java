package dev.fleet.orchestrator.domain;

import dev.fleet.platform.tokens.TokenCounter;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.CompletionFailed;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.UsageRecorder;
import dev.fleet.schemas.OpenAiNames;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Answers chat requests: prepares the request with its {@link ChatContext} (prompt template,
 * conversation history), routes by model, streams the provider's text as {@link ChatChunk}s
 * (seq from 0; the last has finishReason {@code STOP} and the usage, or is the single error chunk),
 * then records usage (prompt and completion tokens) and a CompletionSucceeded / CompletionFailed
 * domain event, keeps the exchange in the conversation, and finally marks the request answered.
 * <p>
 * Delivery: at-least-once. A request already marked answered is skipped. A crash (or a failed
 * publish) before the mark answers it again from seq 0 — usage and events then carry the same
 * event ids as before (see {@link EventIds}), chunks do not. Usage is recorded for successful
 * answers only.
 */
public class ChatService {

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);

    /** Chunks in flight to the broker at once; sends are issued in order, acknowledgements awaited together. */
    private static final int PUBLISH_PIPELINE = 64;

    private final ChatRouter router;
    private final ProcessedRequests processed;
    private final TokenCounter tokens;
    private final Clock clock;
    private final UsageRecorder usageRecorder;
    private final String producedBy;
    private final Duration deadline;
    private final ChatContext context;
    private final ModelRoutes routes;

    /** A chat service that sends requests as they came (no prompt templates, no conversation history). */
    public ChatService(ChatRouter router, ProcessedRequests processed, TokenCounter tokens, Clock clock,
            String producedBy, Duration deadline) {
        this(router, processed, tokens, clock, producedBy, deadline, ChatContext.NONE);
    }

    public ChatService(ChatRouter router, ProcessedRequests processed, TokenCounter tokens, Clock clock,
            String producedBy, Duration deadline, ChatContext context) {
        this(router, processed, tokens, clock, producedBy, deadline, context, ModelRoutes.DIRECT);
    }

    public ChatService(ChatRouter router, ProcessedRequests processed, TokenCounter tokens, Clock clock,
            String producedBy, Duration deadline, ChatContext context, ModelRoutes routes) {
        this.context = context;
        this.routes = routes;
        this.router = router;
        this.processed = processed;
        this.tokens = tokens;
        this.clock = clock;
        this.usageRecorder = new UsageRecorder(clock);
        this.producedBy = producedBy;
        this.deadline = deadline;
    }

    public Mono<ChatOutcome> complete(ChatRequested request, ChatExchange exchange) {
        return processed.isCompleted(request.getRequestId()).flatMap(done -> {
            if (done) {
                log.info("request {} was answered before; skipping the redelivery", request.getRequestId());
                return Mono.just(ChatOutcome.DUPLICATE);
            }
            return answer(request, exchange);
        });
    }

    private Mono<ChatOutcome> answer(ChatRequested request, ChatExchange exchange) {
        return Mono.defer(() -> {
            Reply reply = new Reply(request);
            Flux<ChatChunk> chunks = context.prepare(request)
                    .doOnNext(reply::prepared)
                    .flatMapMany(prepared -> generate(prepared.request(), exchange, reply))
                    .concatMap(piece -> Mono.justOrEmpty(reply.add(piece)))
                    .concatWith(Mono.fromSupplier(reply::finish))
                    .onErrorResume(error -> Mono.just(reply.fail(ChatFailure.of(error), error)));
            return chunks
                    .publishOn(Schedulers.boundedElastic()) // publishing may block briefly; not on provider I/O threads
                    .flatMapSequential(exchange::reply, PUBLISH_PIPELINE)
                    .then(Mono.defer(() -> announce(request, reply, exchange)))
                    .then(Mono.defer(() -> reply.plan == null ? Mono.empty()
                            : routes.finished(reply.plan, request, reply.routeOutcome(), exchange)))
                    .then(Mono.defer(() -> reply.outcome() == ChatOutcome.SUCCEEDED
                            ? context.remember(reply.prepared, reply.text.toString()) : Mono.empty()))
                    .then(Mono.defer(() -> processed.markCompleted(request, reply.outcome())))
                    .then(Mono.fromSupplier(reply::outcome));
        });
    }

    private Flux<ProviderChunk> generate(ChatRequested request, ChatExchange exchange, Reply reply) {
        Flux<ProviderChunk> generated = routes.plan(request)
                .doOnNext(plan -> reply.plan = plan)
                .flatMapMany(plan -> router.stream(plan, request, exchange));
        return Flux.defer(() -> {
            // the deadline counts from when the client asked, not from when this request's turn came
            Duration left = Duration.between(clock.instant(), request.getRequestedAt().plus(deadline));
            if (left.isNegative() || left.isZero()) {
                return Flux.error(ChatFailure.timeout("The request waited longer than its deadline of "
                        + deadline.toSeconds() + "s before it could be answered"));
            }
            long due = System.nanoTime() + left.toNanos();
            return generated.timeout(remaining(due), piece -> remaining(due));
        }).onErrorMap(TimeoutException.class,
                e -> ChatFailure.timeout("The completion took longer than " + deadline.toSeconds() + "s"));
    }

    private static Mono<Long> remaining(long dueNanos) {
        return Mono.delay(Duration.ofNanos(Math.max(0, dueNanos - System.nanoTime())));
    }

    private Mono<Void> announce(ChatRequested request, Reply reply, ChatExchange exchange) {
        String requestId = request.getRequestId();
        if (reply.outcome() == ChatOutcome.FAILED) {
            ChatFailure failure = reply.failure();
            return exchange.event(event(request, EventIds.derive(requestId, "completion"),
                    new CompletionFailed(requestId, request.getModel(), OpenAiNames.of(failure.code()),
                            failure.getMessage())));
        }
        TokenUsage usage = reply.usage();
        return Mono.when(
                exchange.usage(UsageRecorder.eventId(requestId, Meter.PROMPT_TOKENS),
                        usage(request, Meter.PROMPT_TOKENS, usage.getPromptTokens())),
                exchange.usage(UsageRecorder.eventId(requestId, Meter.COMPLETION_TOKENS),
                        usage(request, Meter.COMPLETION_TOKENS, usage.getCompletionTokens())),
                exchange.event(event(request, EventIds.derive(requestId, "completion"),
                        succeeded(request, usage, reply.prepared))));
    }

    private static CompletionSucceeded succeeded(ChatRequested request, TokenUsage usage, PreparedChat prepared) {
        return CompletionSucceeded.newBuilder()
                .setRequestId(request.getRequestId())
                .setModel(request.getModel())
                .setPromptTokens(usage.getPromptTokens())
                .setCompletionTokens(usage.getCompletionTokens())
                .setConversationId(request.getConversationId())
                .setHistoryMessagesKept(prepared.historyKept())
                .setHistoryMessagesDropped(prepared.historyDropped())
                .setHistoryTokens(prepared.historyTokens())
                .setPromptName(prepared.promptName())
                .setPromptVersion(prepared.promptVersion())
                .build();
    }

    private UsageRecorded usage(ChatRequested request, Meter meter, long quantity) {
        return usageRecorder.usage(request.getTenantId(), meter, quantity, request.getModel());
    }

    private DomainEvent event(ChatRequested request, String eventId, Object payload) {
        return DomainEvent.newBuilder()
                .setEventId(eventId)
                .setTenantId(request.getTenantId())
                .setOccurredAt(clock.instant())
                .setActor(producedBy)
                .setSubject("request/" + request.getRequestId())
                .setProducedBy(producedBy)
                .setPayload(payload)
                .build();
    }

    /** The reply to one request as it is being streamed. Used from one stream, hence not synchronised. */
    private final class Reply {

        private final ChatRequested request;
        private final StringBuilder text = new StringBuilder();
        /** This answer's identity on its chunks: a redelivered request is answered anew, under another one. */
        private final String attempt = UUID.randomUUID().toString();
        private int seq;
        private TokenUsage reported;
        private ChatFailure failure;
        /** The request as the model was sent it; set before generation starts (stays as-is if preparing failed). */
        private PreparedChat prepared;
        /** The target serving now; null until generation reached one. */
        private ModelTarget servedBy;
        /** The route taken; null until routing decided it. */
        private RoutePlan plan;
        private java.time.Instant firstTextAt;

        Reply(ChatRequested request) {
            this.request = request;
            this.prepared = PreparedChat.asIs(request);
        }

        void prepared(PreparedChat prepared) {
            this.prepared = prepared;
        }

        ChatChunk add(ProviderChunk piece) {
            if (piece.target() != null) {
                servedBy = piece.target();
            }
            if (piece.usage() != null) {
                reported = piece.usage();
            }
            if (piece.text().isEmpty()) {
                return null;
            }
            if (firstTextAt == null) {
                firstTextAt = clock.instant();
            }
            text.append(piece.text());
            return chunk(piece.text()).build();
        }

        ChatChunk finish() {
            return chunk("").setFinishReason(FinishReason.STOP).setUsage(usage()).build();
        }

        ChatChunk fail(ChatFailure failure, Throwable cause) {
            this.failure = failure;
            if (failure == cause) {
                log.info("request {} ({}) failed: {} {}", request.getRequestId(), request.getModel(),
                        failure.code(), failure.getMessage());
            } else {
                log.warn("request {} ({}) failed unexpectedly", request.getRequestId(), request.getModel(), cause);
            }
            return chunk("").setFinishReason(FinishReason.ERROR).setError(failure.toReplyError()).build();
        }

        private ChatChunk.Builder chunk(String delta) {
            return ChatChunk.newBuilder()
                    .setRequestId(request.getRequestId())
                    .setSeq(seq++)
                    .setAttempt(attempt)
                    .setModel(request.getModel())
                    .setDelta(delta);
        }

        ChatOutcome outcome() {
            return failure == null ? ChatOutcome.SUCCEEDED : ChatOutcome.FAILED;
        }

        ChatFailure failure() {
            return failure;
        }

        RouteOutcome routeOutcome() {
            if (failure != null) {
                return new RouteOutcome(false, firstTextAt, clock.instant(), 0, 0, OpenAiNames.of(failure.code()));
            }
            TokenUsage usage = usage();
            return new RouteOutcome(true, firstTextAt, clock.instant(), usage.getPromptTokens(),
                    usage.getCompletionTokens(), null);
        }

        TokenUsage usage() {
            if (reported != null) {
                return reported;
            }
            return new TokenUsage(tokens.promptTokens(prepared.request().getMessages()), tokens.count(text.toString()));
        }
    }
}
