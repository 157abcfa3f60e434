package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns a validated chat completion into a {@link ChatRequested} for the orchestrator and hands
 * back its reply chunks. The conversation is the client's {@code metadata.conversation_id}, or a
 * new one.
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

    public ChatCompletions(ChatRequestChannel channel, String replyTo, Duration replyTimeout, Clock clock) {
        this.channel = channel;
        this.replyTo = replyTo;
        this.replyTimeout = replyTimeout;
        this.clock = clock;
    }

    /** Sends the request for {@code tenantId}; emits once it is accepted by the event bus. */
    public Mono<ChatExchange> submit(String tenantId, ChatCommand command) {
        return Mono.defer(() -> {
            ChatRequested request = request(tenantId, command);
            return channel.send(request).map(replies -> new ChatExchange(request.getRequestId(), command.model(),
                    request.getRequestedAt(), inOrder(replies)));
        });
    }

    ChatRequested request(String tenantId, ChatCommand command) {
        String conversationId = command.metadata().get(CONVERSATION_ID);
        if (conversationId == null || conversationId.isBlank()) {
            conversationId = UUID.randomUUID().toString();
        }
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(tenantId)
                .setConversationId(conversationId)
                .setModel(command.model())
                .setMessages(command.messages())
                .setStream(command.stream())
                .setTemperature(command.temperature())
                .setMaxTokens(command.maxTokens())
                .setMetadata(command.metadata())
                .setOptions(command.options())
                .setReplyTo(replyTo)
                .setRequestedAt(clock.instant())
                .build();
    }

    /** Drops re-delivered chunks (seq already seen) and bounds the silence between chunks. */
    private Flux<ChatChunk> inOrder(Flux<ChatChunk> replies) {
        return Flux.defer(() -> {
            AtomicInteger nextSeq = new AtomicInteger();
            return replies.filter(chunk -> {
                if (chunk.getSeq() < nextSeq.get()) {
                    return false;
                }
                nextSeq.set(chunk.getSeq() + 1);
                return true;
            });
        }).timeout(replyTimeout).onErrorMap(TimeoutException.class,
                e -> new ReplyTimeoutException("chat completion", replyTimeout));
    }
}
