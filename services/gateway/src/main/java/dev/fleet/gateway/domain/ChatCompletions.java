package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ResponseRequested;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.gateway.domain.ratelimit.RateLimiter;
import dev.fleet.platform.tokens.TokenCounter;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns a validated chat completion into a {@link ChatRequested} for the orchestrator and hands
 * back its reply chunks. The conversation is the client's {@code metadata.conversation_id}, or a
 * new one.
 * <p>
 * Token limits: the prompt's tokens (counted here) are taken from the caller's budgets before the
 * request is published, and the difference to the answer's real usage is settled when its last
 * chunk arrives (an answer that ends without usage keeps the prompt's count; one never published
 * gives it back).
 * <p>
 * A redelivered request may be answered by a second attempt; {@link ReplyAttempts} makes sure the
 * client gets one attempt's answer or, once text of the first was streamed, an error.
 * <p>
 * Limits: {@code replyTimeout} bounds the wait for each chunk (first and following), not the
 * whole completion, so a long answer that keeps streaming is not cut off.
 */
public final class ChatCompletions {

    /** Metadata key with which a client continues a conversation. */
    public static final String CONVERSATION_ID = "conversation_id";

    private final ChatRequestChannel channel;
    private final String replyTo;
    private final Duration replyTimeout;
    private final Clock clock;
    private final RateLimiter limiter;
    private final TokenCounter tokens;

    public ChatCompletions(ChatRequestChannel channel, String replyTo, Duration replyTimeout, Clock clock,
            RateLimiter limiter, TokenCounter tokens) {
        this.channel = channel;
        this.replyTo = replyTo;
        this.replyTimeout = replyTimeout;
        this.clock = clock;
        this.limiter = limiter;
        this.tokens = tokens;
    }

    /**
     * Sends the request for {@code caller} once its prompt fits the token limits; emits once it is
     * accepted by the event bus.
     */
    public Mono<ChatExchange> submit(Caller caller, ChatCommand command) {
        return Mono.defer(() -> {
            ChatRequested request = request(caller.tenantId(), command);
            long promptTokens = tokens.promptTokens(request.getMessages());
            return limiter.admit(caller.tenantId(), caller.keyId(), 0, promptTokens).flatMap(admission -> channel
                    .send(request)
                    .doOnError(e -> limiter.settle(admission, 0))
                    .map(replies -> new ChatExchange(request.getRequestId(), command.model(),
                            request.getRequestedAt(), settled(read(replies, command.stream()), admission),
                            request.getConversationId())));
        });
    }

    /** Settles the admission with the answer's reported usage once the replies end, however they end. */
    private Flux<ChatChunk> settled(Flux<ChatChunk> replies, RateLimiter.Admission admission) {
        return Flux.defer(() -> {
            AtomicLong used = new AtomicLong(admission.tokens());
            return replies.doOnNext(chunk -> {
                TokenUsage usage = chunk.getUsage();
                if (usage != null) {
                    used.set((long) usage.getPromptTokens() + usage.getCompletionTokens());
                }
            }).doFinally(signal -> limiter.settle(admission, used.get()));
        });
    }

    /** The id of the response a Responses API request gets: {@code resp_} + its request id. */
    public static String responseId(String requestId) {
        return "resp_" + requestId;
    }

    ChatRequested request(String tenantId, ChatCommand command) {
        String requestId = UUID.randomUUID().toString();
        String conversationId = command.metadata().get(CONVERSATION_ID);
        if (conversationId == null || conversationId.isBlank()) {
            conversationId = UUID.randomUUID().toString();
        }
        return ChatRequested.newBuilder()
                .setRequestId(requestId)
                .setTenantId(tenantId)
                .setConversationId(conversationId)
                .setModel(command.model())
                .setMessages(command.messages())
                .setStream(command.stream())
                .setTemperature(command.temperature())
                .setMaxTokens(command.maxTokens())
                .setMetadata(command.metadata())
                .setOptions(command.options())
                .setResponse(command.response() == null ? null
                        : ResponseRequested.newBuilder(command.response()).setResponseId(responseId(requestId)).build())
                .setReplyTo(replyTo)
                .setRequestedAt(clock.instant())
                .build();
    }

    /**
     * One attempt's chunks, in order and without re-deliveries ({@link ReplyAttempts}), the silence
     * between chunks bounded.
     */
    private Flux<ChatChunk> read(Flux<ChatChunk> replies, boolean streaming) {
        Flux<ChatChunk> bounded = replies.timeout(replyTimeout).onErrorMap(TimeoutException.class,
                e -> new ReplyTimeoutException("chat completion", replyTimeout));
        return streaming ? ReplyAttempts.streamed(bounded) : ReplyAttempts.whole(bounded);
    }
}
