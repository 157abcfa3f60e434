package dev.fleet.gateway.messaging;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.gateway.domain.ChatRequestChannel;
import dev.fleet.gateway.domain.EventBusUnavailableException;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.ReplyPartitionUnavailableException;
import dev.fleet.platform.kafka.ReplyRouter;
import dev.fleet.platform.kafka.RequestObservation;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends chat requests on {@code fleet.chat.requests.v1} (keyed by conversation, so one
 * conversation is handled in order) and receives their chunks from this replica's
 * {@link ReplyRouter} over {@code fleet.chat.replies.v1}: the request names the reply partition
 * the router pinned it to ({@code replyPartition}), one this replica reads. The request id is
 * registered before the request is published, so no chunk can slip by; it is forgotten again if
 * the publish fails or the caller gives up first. No reply partition, or one moved away by a
 * rebalance while chunks were awaited, is an {@link EventBusUnavailableException} (retryable).
 */
public class KafkaChatRequestChannel implements ChatRequestChannel {

    private final FleetPublisher publisher;
    private final ReplyRouter<ChatChunk> replies;

    public KafkaChatRequestChannel(FleetPublisher publisher, ReplyRouter<ChatChunk> replies) {
        this.publisher = publisher;
        this.replies = replies;
    }

    @Override
    public Mono<Flux<ChatChunk>> send(ChatRequested request) {
        // the HTTP request's span current while the event is made: the chat's trace starts under it
        return RequestObservation.defer(() -> {
            String requestId = request.getRequestId();
            ReplyRouter.Registration<ChatChunk> registration = replies.register(requestId);
            Flux<ChatChunk> chunks = registration.replies().onErrorMap(ReplyPartitionUnavailableException.class,
                    KafkaChatRequestChannel::retryable);
            ChatRequested pinned = ChatRequested.newBuilder(request).setReplyPartition(registration.partition())
                    .build();
            AtomicBoolean handedOver = new AtomicBoolean();
            return Acknowledgements.of("the chat request", publisher.send(FleetTopics.CHAT_REQUESTS,
                            pinned.getConversationId(), pinned, EventContext.newEvent(pinned.getTenantId())))
                    .thenReturn(chunks)
                    .doOnSuccess(published -> handedOver.set(true))
                    .doOnError(e -> replies.forget(requestId))
                    .doOnCancel(() -> {
                        if (!handedOver.get()) {
                            replies.forget(requestId);
                        }
                    });
        }).onErrorMap(ReplyPartitionUnavailableException.class, KafkaChatRequestChannel::retryable);
    }

    private static EventBusUnavailableException retryable(ReplyPartitionUnavailableException e) {
        return new EventBusUnavailableException(e.getMessage(), e);
    }
}
