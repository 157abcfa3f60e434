package dev.fleet.gateway.messaging;

import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.gateway.domain.ChatRequestChannel;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link ChatRequestChannel} that refuses a request whose record would not fit into
 * {@code fleet.chat.requests.v1} ({@link RecordSizeLimit}) before handing it on: nothing is
 * registered, nothing published.
 */
public class SizeCheckedChatRequestChannel implements ChatRequestChannel {

    private final ChatRequestChannel next;
    private final RecordSizeLimit limit;

    public SizeCheckedChatRequestChannel(ChatRequestChannel next, RecordSizeLimit limit) {
        this.next = next;
        this.limit = limit;
    }

    @Override
    public Mono<Flux<ChatChunk>> send(ChatRequested request) {
        return Mono.defer(() -> {
            limit.check(FleetTopics.CHAT_REQUESTS, request.getConversationId(), request, "the chat request");
            return next.send(request);
        });
    }
}
