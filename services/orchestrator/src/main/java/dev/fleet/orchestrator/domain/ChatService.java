package dev.fleet.orchestrator.domain;

import dev.fleet.platform.tokens.TokenCounter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
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
import dev.fleet.platform.kafka.RandomIds;
import dev.fleet.platform.kafka.UsageRecorder;
import dev.fleet.schemas.OpenAiNames;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Answers chat requests: prepares the request with its {@link ChatContext} (prompt template,
 * conversation history), routes by model, streams the provider's text as {@link ChatChunk}s
 * (seq from 0; the last has finishReason {@code STOP} and the usage, or is the error chunk, which
 * carries the usage billed for the text before it), then records usage (prompt and completion
 * tokens) and a CompletionSucceeded / CompletionFailed domain event, keeps the exchange in the
 * conversation, and finally marks the request answered.
 * <p>
 * Stream lifecycle (decision record 0024, kept by a {@link StreamLedger}): an attempt that reaches a
 * model publishes {@code StreamStarted}, then {@code StreamCompleted} or {@code StreamAborted} with
 * the usage billed and its source, and is billed whatever its outcome. A request that never reaches
 * a model (expired, invalid, unknown model) gets only its error chunk and CompletionFailed, and is
 * never billed.
 * <p>
 * Settlement (decision 0051): the usage, the outcome and stream-end events and the experiment
 * outcome are collected in a {@link ChatSettlement} and written by {@link ProcessedRequests#settle}
 * together with the request's "answered" mark, all or nothing (the outbox), after every chunk was
 * acknowledged. A request redelivered after that is skipped: no model call, no second usage. A
 * crash (or a failed publish) before it answers the request again from seq 0 as a new attempt; the
 * first attempt's usage and outcome were never written, and the new ones carry the same event ids
 * as they would have (see {@link EventIds}, {@link UsageRecorder#eventId}); the stream events carry
 * the attempt in their ids, since each attempt is a stream of its own (its {@code StreamStarted}
 * is published at once, not settled); chunks do not.
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
            Reply reply = new Reply(request, RandomIds.uuidString(), exchange);
            Flux<ChatChunk> chunks = context.prepare(request)
                    .doOnNext(reply::prepared)
                    .flatMapMany(prepared -> generate(prepared.request(), exchange, reply))
                    .concatMap(piece -> Mono.justOrEmpty(reply.add(piece)))
                    .concatWith(Mono.fromSupplier(reply::finish).flatMap(reply::ended))
                    .onErrorResume(error -> Mono.just(reply.fail(ChatFailure.of(error), error)).flatMap(reply::ended));
            // no hop here: the exchange hands records to the producer on its own thread, never the caller's
            ChatSettlement settlement = new ChatSettlement(exchange);
            return chunks
                    .flatMapSequential(exchange::reply, PUBLISH_PIPELINE)
                    .then(Mono.defer(() -> announce(request, reply, settlement)))
                    .then(Mono.defer(() -> reply.plan == null ? Mono.empty()
                            : routes.finished(reply.plan, request, reply.routeOutcome(), settlement)))
                    .then(Mono.defer(() -> reply.outcome() == ChatOutcome.SUCCEEDED
                            ? context.remember(reply.prepared, reply.ledger.text()) : Mono.empty()))
                    .then(Mono.defer(() -> processed.settle(request, reply.outcome(), settlement)))
                    .doOnNext(first -> {
                        if (!first) {
                            log.info("request {} was settled meanwhile (a concurrent redelivery); nothing billed again",
                                    request.getRequestId());
                        }
                    })
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

    /**
     * Everything after the last chunk: the outcome event, and for a stream that reached a model its
     * end event and its usage (once per request and meter, see {@link UsageRecorder#eventId}).
     */
    private Mono<Void> announce(ChatRequested request, Reply reply, ChatExchange exchange) {
        return Mono.when(reply.startedSent(), outcome(request, reply, exchange), streamEnd(request, reply, exchange),
                bill(request, reply, exchange));
    }

    private Mono<Void> outcome(ChatRequested request, Reply reply, ChatExchange exchange) {
        String eventId = EventIds.derive(request.getRequestId(), "completion");
        if (reply.outcome() == ChatOutcome.FAILED) {
            ChatFailure failure = reply.failure();
            return exchange.event(event(request, eventId, new CompletionFailed(request.getRequestId(),
                    request.getModel(), OpenAiNames.of(failure.code()), failure.getMessage())));
        }
        return exchange.event(event(request, eventId, succeeded(request, reply.billed.usage(), reply.prepared)));
    }

    /** StreamCompleted or StreamAborted, under an id of its own attempt (a redelivery is another stream). */
    private Mono<Void> streamEnd(ChatRequested request, Reply reply, ChatExchange exchange) {
        StreamLedger ledger = reply.ledger;
        if (!ledger.started()) {
            return Mono.empty();
        }
        Object payload = reply.outcome() == ChatOutcome.FAILED ? ledger.abortedEvent(reply.billed, reply.failure())
                : ledger.completedEvent(reply.billed, reply.seq);
        return exchange.event(event(request, streamEventId(request, ledger, "ended"), payload));
    }

    /** The billed usage, for every stream that reached a model; a request that never did is never billed. */
    private Mono<Void> bill(ChatRequested request, Reply reply, ChatExchange exchange) {
        if (!reply.ledger.started()) {
            return Mono.empty();
        }
        String requestId = request.getRequestId();
        String model = reply.ledger.usedModel();
        TokenUsage usage = reply.billed.usage();
        return Mono.when(
                exchange.usage(UsageRecorder.eventId(requestId, Meter.PROMPT_TOKENS),
                        usage(request, Meter.PROMPT_TOKENS, usage.getPromptTokens(), model)),
                exchange.usage(UsageRecorder.eventId(requestId, Meter.COMPLETION_TOKENS),
                        usage(request, Meter.COMPLETION_TOKENS, usage.getCompletionTokens(), model)));
    }

    private static String streamEventId(ChatRequested request, StreamLedger ledger, String what) {
        return EventIds.derive(request.getRequestId(), "stream/" + ledger.attempt() + "/" + what);
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

    private UsageRecorded usage(ChatRequested request, Meter meter, long quantity, String model) {
        return usageRecorder.usage(request.getTenantId(), meter, quantity, model);
    }

    private DomainEvent event(ChatRequested request, String eventId, Object payload) {
        return DomainEvents.of(clock, producedBy, request.getTenantId(), eventId,
                DomainEvents.requestSubject(request.getRequestId()), payload);
    }

    /**
     * The reply to one request as one attempt streams it; what was delivered and billed is kept in
     * its {@link StreamLedger}. Used from one stream, hence not synchronised.
     */
    private final class Reply {

        private final ChatRequested request;
        private final ChatExchange exchange;
        private final StreamLedger ledger;
        private int seq;
        private ChatFailure failure;
        /** What this attempt bills; set with the last chunk. */
        private StreamLedger.Billed billed = StreamLedger.Billed.NOTHING;
        /** The request as the model was sent it; set before generation starts (stays as-is if preparing failed). */
        private PreparedChat prepared;
        /** The StreamStarted publication, sent without waiting and joined before the request is settled. */
        private Mono<Void> startedSent = Mono.empty();
        /** The route taken; null until routing decided it. */
        private RoutePlan plan;
        private Instant firstTextAt;

        /** @param attempt this answer's identity on its chunks and stream events (a redelivery gets another) */
        Reply(ChatRequested request, String attempt, ChatExchange exchange) {
            this.request = request;
            this.exchange = exchange;
            this.ledger = new StreamLedger(request, attempt, tokens, clock);
            this.prepared = PreparedChat.asIs(request);
        }

        void prepared(PreparedChat prepared) {
            this.prepared = prepared;
            ledger.prompt(prepared.request().getMessages());
        }

        ChatChunk add(ProviderChunk piece) {
            if (piece.target() != null && ledger.serving(piece.target(), providerOf(piece.target()))) {
                started();
            }
            if (piece.usage() != null) {
                ledger.reported(piece.usage());
            }
            if (!piece.delivers()) {
                return null;
            }
            if (firstTextAt == null) {
                firstTextAt = clock.instant();
            }
            if (piece.toolCallsJson() != null) {
                ledger.deliveredToolCalls(piece.toolCallsJson());
                return chunk(piece.text()).setToolCallsJson(piece.toolCallsJson()).build();
            }
            ledger.delivered(piece.text());
            return chunk(piece.text()).build();
        }

        /** Publishes StreamStarted now (the chunks do not wait for it). */
        private void started() {
            Instant deadlineAt = request.getRequestedAt().plus(deadline);
            CompletableFuture<Void> sent = exchange.event(event(request, streamEventId(request, ledger, "started"),
                    ledger.startedEvent(deadlineAt))).toFuture();
            startedSent = Mono.fromFuture(sent);
        }

        Mono<Void> startedSent() {
            return startedSent;
        }

        ChatChunk finish() {
            billed = ledger.completed();
            FinishReason reason = ledger.toolCallsJson() != null ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            return chunk("").setFinishReason(reason).setUsage(billed.usage()).build();
        }

        /** The error chunk; it carries the usage billed for what was delivered (none if no model was reached). */
        ChatChunk fail(ChatFailure failure, Throwable cause) {
            this.failure = failure;
            if (failure == cause) {
                log.info("request {} ({}) failed: {} {}", request.getRequestId(), request.getModel(),
                        failure.code(), failure.getMessage());
            } else {
                log.warn("request {} ({}) failed unexpectedly", request.getRequestId(), request.getModel(), cause);
            }
            billed = ledger.aborted();
            return chunk("").setFinishReason(FinishReason.ERROR).setError(failure.toReplyError())
                    .setUsage(ledger.started() ? billed.usage() : null).build();
        }

        private ChatChunk.Builder chunk(String delta) {
            return ChatChunk.newBuilder()
                    .setRequestId(request.getRequestId())
                    .setSeq(seq++)
                    .setModel(request.getModel())
                    .setDelta(delta)
                    .setAttempt(ledger.attempt());
        }

        /** Lets the context keep how the request ended (stored responses) before {@code last} is sent. */
        Mono<ChatChunk> ended(ChatChunk last) {
            ChatEnding ending = new ChatEnding(ledger.text(), ledger.started() ? billed.usage() : null, failure,
                    ledger.toolCallsJson());
            return context.ended(request, ending).thenReturn(last);
        }

        /** How the request ended, for its route (experiment outcomes): the tokens are those billed. */
        RouteOutcome routeOutcome() {
            TokenUsage usage = billed.usage();
            return new RouteOutcome(failure == null, firstTextAt, clock.instant(), usage.getPromptTokens(),
                    usage.getCompletionTokens(), failure == null ? null : OpenAiNames.of(failure.code()));
        }

        ChatOutcome outcome() {
            return failure == null ? ChatOutcome.SUCCEEDED : ChatOutcome.FAILED;
        }

        ChatFailure failure() {
            return failure;
        }
    }

    /** The provider a target names, or the one serving its model when it names none. */
    private String providerOf(ModelTarget target) {
        return RoutePlan.ANY_PROVIDER.equals(target.getProvider())
                ? router.route(target.getModel()).map(ChatProvider::name).orElse(null)
                : target.getProvider();
    }
}
