package dev.fleet.orchestrator.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.fleet.orchestrator.domain.ChatService;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.KnowledgeClient;

/**
 * The replica's chat capacity: the {@link ChatAdmission} that bounds and orders the chats in flight
 * (pausing the listener container when too many wait) and the {@link SettledOffsets} that commits
 * them, wired to the {@link ChatRequestListener} and to the container's rebalance callbacks.
 */
public final class ChatConcurrency {

    private final ChatAdmission admission;
    private final SettledOffsets offsets = new SettledOffsets();

    /** @param container the chat-request listener container, once it exists (null before) */
    public ChatConcurrency(int maxInFlight, int maxInFlightPerTenant, int maxQueued,
            Supplier<MessageListenerContainer> container) {
        this.admission = new ChatAdmission(maxInFlight, maxInFlightPerTenant, maxQueued,
                new ChatAdmission.Backpressure() {
                    @Override
                    public void pause() {
                        MessageListenerContainer listener = container.get();
                        if (listener != null) {
                            listener.pause();
                        }
                    }

                    @Override
                    public void resume() {
                        MessageListenerContainer listener = container.get();
                        if (listener != null) {
                            listener.resume();
                        }
                    }
                });
    }

    public ChatRequestListener listener(ChatService chats, FleetPublisher publisher, KnowledgeClient knowledge,
            ConsumerRecordRecoverer deadLetters, int consumers, Duration timeout, int retryAttempts,
            Duration retryBackoff) {
        return new ChatRequestListener(chats, publisher, knowledge, admission, offsets, deadLetters, consumers,
                timeout, retryAttempts, retryBackoff);
    }

    /** Forgets the offsets of partitions a rebalance took away. */
    public void revoked(Collection<TopicPartition> partitions) {
        offsets.revoked(partitions);
    }

    /** Chats running now. */
    public int inFlight() {
        return admission.inFlight();
    }

    /** Chats fetched and waiting for their turn. */
    public int queued() {
        return admission.queued();
    }
}
