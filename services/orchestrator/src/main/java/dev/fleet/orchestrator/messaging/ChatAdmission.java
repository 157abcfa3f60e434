package dev.fleet.orchestrator.messaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which consumed chat requests run now on this replica: at most {@code maxInFlight} at
 * once, at most {@code maxPerTenant} of one tenant, and a free slot goes to the waiting tenant with
 * the fewest chats running (ties in turn, round robin), so one tenant's burst cannot starve the others. When {@code maxQueued}
 * requests wait, it asks the consumer to stop fetching ({@link Backpressure#pause()}) and lets it
 * go on once half of them were started.
 * <p>
 * Limits: the records of the poll under way when fetching pauses are still queued (up to
 * {@code max.poll.records} more); fairness holds among the requests this replica has fetched; a burst larger than
 * {@code maxQueued} still delays the requests behind it on the topic (the gateway's rate limits
 * bound a tenant's burst). Thread-safe; the started tasks run outside the lock.
 */
final class ChatAdmission {

    /** Stops and restarts fetching chat requests. */
    interface Backpressure {
        void pause();

        void resume();
    }

    private final int maxInFlight;
    private final int maxPerTenant;
    private final int maxQueued;
    private final Backpressure backpressure;
    private final Map<String, Integer> running = new HashMap<>();
    /** Tenants with waiting requests, in their turn order: a tenant served goes to the back. */
    private final Map<String, Deque<Runnable>> waiting = new LinkedHashMap<>();
    private int inFlight;
    private int queued;
    private boolean paused;

    ChatAdmission(int maxInFlight, int maxPerTenant, int maxQueued, Backpressure backpressure) {
        this.maxInFlight = maxInFlight;
        this.maxPerTenant = Math.min(maxPerTenant, maxInFlight);
        this.maxQueued = maxQueued;
        this.backpressure = backpressure;
    }

    /**
     * Runs {@code start} now or once its turn comes; whatever it starts must call {@link #finished}
     * with the same tenant exactly once when it is settled.
     */
    void submit(String tenantId, Runnable start) {
        List<Runnable> ready;
        boolean pause = false;
        synchronized (this) {
            waiting.computeIfAbsent(tenantId, t -> new ArrayDeque<>()).addLast(start);
            queued++;
            ready = dispatch();
            if (!paused && queued >= maxQueued) {
                paused = pause = true;
            }
        }
        if (pause) {
            backpressure.pause();
        }
        ready.forEach(Runnable::run);
    }

    /** Frees the slot of a request of {@code tenantId} that was started. */
    void finished(String tenantId) {
        List<Runnable> ready;
        boolean resume = false;
        synchronized (this) {
            inFlight--;
            running.computeIfPresent(tenantId, (t, n) -> n > 1 ? n - 1 : null);
            ready = dispatch();
            if (paused && queued <= maxQueued / 2) {
                paused = false;
                resume = true;
            }
        }
        if (resume) {
            backpressure.resume();
        }
        ready.forEach(Runnable::run);
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int queued() {
        return queued;
    }

    /**
     * Starts waiting requests while there is room: each time, one of the tenant with the fewest chats
     * running (below its limit), ties in turn order. Called holding the lock.
     */
    private List<Runnable> dispatch() {
        List<Runnable> ready = new ArrayList<>();
        while (inFlight < maxInFlight) {
            String next = null;
            int fewest = maxPerTenant;
            for (String tenantId : waiting.keySet()) {
                int tenantRunning = running.getOrDefault(tenantId, 0);
                if (tenantRunning < fewest) {
                    next = tenantId;
                    fewest = tenantRunning;
                }
            }
            if (next == null) {
                break;
            }
            Deque<Runnable> tenantQueue = waiting.remove(next);
            ready.add(tenantQueue.pollFirst());
            if (!tenantQueue.isEmpty()) {
                waiting.put(next, tenantQueue); // to the back of the turn order
            }
            queued--;
            inFlight++;
            running.merge(next, 1, Integer::sum);
        }
        return ready;
    }
}
