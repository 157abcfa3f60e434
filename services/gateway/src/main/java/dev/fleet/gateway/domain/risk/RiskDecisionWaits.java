package dev.fleet.gateway.domain.risk;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.fleet.events.v1.RiskDecision;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The transactions this replica's {@code "wait": true} requests wait for, and the hand-over of
 * their decisions as they are read from {@code fleet.risk.decisions.v1}. A wait is registered
 * before its transaction is published, so its decision cannot pass unobserved; a decision is
 * matched by tenant and transaction id. Two requests for the same transaction share one wait.
 * <p>
 * {@link #awaits(String)} answers, for a decision record's key ({@code tenantId/accountId}), whether
 * any wait could match it, so that the reader decodes only those records. Bounded: at most
 * {@code maxWaits} transactions at once (a further registration is refused and the request answers
 * "pending" at once); a wait whose request never released it is dropped after {@code staleAfter}.
 * Thread-safe.
 */
public final class RiskDecisionWaits {

    private record TransactionKey(String tenantId, String transactionId) {
    }

    private static final class Entry {

        final Sinks.One<RiskDecision> sink = Sinks.one();
        final String accountKey;
        final long registeredAtNanos;
        int holders = 1;

        Entry(String accountKey, long registeredAtNanos) {
            this.accountKey = accountKey;
            this.registeredAtNanos = registeredAtNanos;
        }
    }

    /** One request's registration: its decision when it arrives; {@link #release()} when done waiting. */
    public final class Wait {

        private final TransactionKey key;
        private final Entry entry;
        private boolean released;

        private Wait(TransactionKey key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        /** Emits the decision once it is read; empty when the wait was dropped as stale. */
        public Mono<RiskDecision> decision() {
            return entry.sink.asMono();
        }

        /** Stops waiting; idempotent. */
        public synchronized void release() {
            if (!released) {
                released = true;
                RiskDecisionWaits.this.release(key, entry);
            }
        }
    }

    /** How often a full table looks for stale waits (a scan of every wait). */
    private static final long FULL_SWEEP_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final Map<TransactionKey, Entry> waits = new ConcurrentHashMap<>();
    private final Map<String, Integer> accounts = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong lastSweepNanos;
    private final int maxWaits;
    private final long staleAfterNanos;
    private final LongSupplier nanoTime;

    public RiskDecisionWaits(int maxWaits, Duration staleAfter) {
        this(maxWaits, staleAfter, System::nanoTime);
    }

    RiskDecisionWaits(int maxWaits, Duration staleAfter, LongSupplier nanoTime) {
        if (maxWaits < 1) {
            throw new IllegalArgumentException("maxWaits must be at least 1");
        }
        this.maxWaits = maxWaits;
        this.staleAfterNanos = staleAfter.toNanos();
        this.nanoTime = nanoTime;
        this.lastSweepNanos = new AtomicLong(nanoTime.getAsLong());
    }

    /** The key of the decision records of an account, as the topics are keyed. */
    public static String accountKey(String tenantId, String accountId) {
        return tenantId + "/" + accountId;
    }

    /** Waits for the decision of {@code transactionId}; empty when {@code maxWaits} transactions are already awaited. */
    public Optional<Wait> register(String tenantId, String accountId, String transactionId) {
        TransactionKey key = new TransactionKey(tenantId, transactionId);
        long now = nanoTime.getAsLong();
        long lastSweep = lastSweepNanos.get();
        long sweepEvery = size.get() >= maxWaits ? FULL_SWEEP_EVERY_NANOS : staleAfterNanos;
        if (now - lastSweep > sweepEvery && lastSweepNanos.compareAndSet(lastSweep, now)) {
            dropStale(now);
        }
        Entry[] joined = new Entry[1];
        waits.compute(key, (k, existing) -> {
            if (existing != null) {
                existing.holders++;
                joined[0] = existing;
                return existing;
            }
            if (size.incrementAndGet() > maxWaits) {
                size.decrementAndGet();
                return null;
            }
            Entry entry = new Entry(accountKey(tenantId, accountId), now);
            accounts.merge(entry.accountKey, 1, Integer::sum);
            joined[0] = entry;
            return entry;
        });
        if (joined[0] == null) {
            refused.incrementAndGet();
            return Optional.empty();
        }
        return Optional.of(new Wait(key, joined[0]));
    }

    /** True when a decision record keyed {@code recordKey} ({@code tenantId/accountId}) may be awaited here. */
    public boolean awaits(String recordKey) {
        return accounts.containsKey(recordKey);
    }

    /** Hands {@code decision} to the requests waiting for it, if any. */
    public void accept(RiskDecision decision) {
        Entry entry = waits.get(new TransactionKey(decision.getTenantId(), decision.getTransactionId()));
        if (entry != null) {
            entry.sink.tryEmitValue(decision);
        }
    }

    /** Transactions awaited now. */
    public int size() {
        return size.get();
    }

    /** Registrations refused since start because {@code maxWaits} transactions were awaited. */
    public long refused() {
        return refused.get();
    }

    /** Waits dropped as stale since start. */
    public long dropped() {
        return stale.get();
    }

    private void release(TransactionKey key, Entry entry) {
        waits.computeIfPresent(key, (k, current) -> {
            if (current != entry) {
                return current;
            }
            if (--current.holders > 0) {
                return current;
            }
            forget(current);
            return null;
        });
    }

    private void dropStale(long now) {
        long cutoff = now - staleAfterNanos;
        for (Map.Entry<TransactionKey, Entry> e : waits.entrySet()) {
            if (e.getValue().registeredAtNanos - cutoff < 0) {
                waits.computeIfPresent(e.getKey(), (k, current) -> {
                    if (current != e.getValue()) {
                        return current;
                    }
                    forget(current);
                    stale.incrementAndGet();
                    current.sink.tryEmitEmpty();
                    return null;
                });
            }
        }
    }

    private void forget(Entry entry) {
        size.decrementAndGet();
        accounts.computeIfPresent(entry.accountKey, (k, n) -> n == 1 ? null : n - 1);
    }
}
