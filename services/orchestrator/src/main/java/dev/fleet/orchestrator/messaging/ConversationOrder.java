package dev.fleet.orchestrator.messaging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps the order Kafka gives one key: requests of one conversation (the chat topic's key) run one
 * after another, in arrival order, while requests of different conversations run side by side. A
 * conversation's next turn must see the answer to the one before (its history is stored once that
 * answer settles), as it did when each consumer answered one request at a time.
 * <p>
 * A request waiting here holds no admission slot. Limit: such requests are not counted by
 * {@link ChatAdmission}'s fetch pause, so one conversation's burst queues here (the gateway's rate
 * limits bound it). Thread-safe; the started work runs outside the lock.
 */
final class ConversationOrder {

    /** Conversations with a request running, and the requests waiting behind it. */
    private final Map<String, Deque<Runnable>> busy = new HashMap<>();

    /**
     * Runs {@code start} now if no request of {@code conversationId} runs, else after the ones before it;
     * {@code start} receives the callback to call exactly once when its request is settled.
     */
    void submit(String conversationId, Consumer<Runnable> start) {
        Runnable run = () -> start.accept(() -> next(conversationId));
        synchronized (this) {
            Deque<Runnable> queue = busy.get(conversationId);
            if (queue != null) {
                queue.addLast(run);
                return;
            }
            busy.put(conversationId, new ArrayDeque<>());
        }
        run.run();
    }

    /** Requests of conversations that wait for an earlier one (for a gauge or a test). */
    synchronized int waiting() {
        return busy.values().stream().mapToInt(Deque::size).sum();
    }

    private void next(String conversationId) {
        Runnable following;
        synchronized (this) {
            Deque<Runnable> queue = busy.get(conversationId);
            following = queue == null ? null : queue.pollFirst();
            if (following == null) {
                busy.remove(conversationId);
            }
        }
        if (following != null) {
            following.run();
        }
    }
}
