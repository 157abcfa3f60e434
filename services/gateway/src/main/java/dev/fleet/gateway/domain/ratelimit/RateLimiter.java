package dev.fleet.gateway.domain.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.fleet.gateway.domain.RefusalCounter;
import dev.fleet.gateway.domain.ratelimit.RateLimitExceededException.Dimension;

import reactor.core.publisher.Mono;

/**
 * Admits requests against their tenant's limits and, where a key has limits of its own, the key's
 * too, exactly across replicas: each budget's capacity is granted by its one owner and spent from
 * local leases ({@link LocalBudget}). Budgets without limits cost nothing.
 * <p>
 * Token limits are charged twice: the prompt's tokens at admission ({@link #admit}) and the rest
 * once the answer's real usage is known ({@link #settle}). Refusals are counted for the audit log.
 */
public final class RateLimiter {

    /** What one admitted request took, to settle it later. */
    public static final class Admission {

        private record Taken(LocalBudget budget, long windowEnd) {
        }

        private final List<Taken> taken = new ArrayList<>(2);
        private final long tokens;

        private Admission(long tokens) {
            this.tokens = tokens;
        }

        /** Tokens charged at admission. */
        public long tokens() {
            return tokens;
        }
    }

    private static final int SWEEP_EVERY = 4096;

    private final LimitsDirectory limits;
    private final CapacityClaims claims;
    private final RefusalCounter refusals;
    private final LongSupplier nanoTime;
    private final int maxWaitersPerBudget;
    private final Duration prefetchHorizon;
    private final Map<String, LocalBudget> budgets = new ConcurrentHashMap<>();
    private final AtomicLong admits = new AtomicLong();

    public RateLimiter(LimitsDirectory limits, CapacityClaims claims, RefusalCounter refusals, LongSupplier nanoTime,
            int maxWaitersPerBudget, Duration prefetchHorizon) {
        this.limits = limits;
        this.claims = claims;
        this.refusals = refusals;
        this.nanoTime = nanoTime;
        this.maxWaitersPerBudget = maxWaitersPerBudget;
        this.prefetchHorizon = prefetchHorizon;
    }

    /**
     * Takes {@code requests} and {@code tokens} from the tenant's budget and then the key's.
     * Fails with {@link RateLimitExceededException} (over a limit) or
     * {@link RateLimiterUnavailableException} (no owner answered); then nothing stays taken.
     */
    public Mono<Admission> admit(String tenantId, String keyId, int requests, long tokens) {
        if (admits.incrementAndGet() % SWEEP_EVERY == 0) {
            budgets.entrySet().removeIf(e -> e.getValue().idle());
        }
        Admission admission = new Admission(tokens);
        return takeFrom(budget(Budget.ofTenant(tenantId), limits.forTenant(tenantId)), admission, requests, tokens)
                .then(takeFrom(budget(Budget.ofKey(tenantId, keyId), limits.forKey(keyId)), admission, requests, tokens))
                .onErrorResume(failure -> {
                    admission.taken.forEach(t -> t.budget.giveBack(requests, tokens, t.windowEnd));
                    if (failure instanceof RateLimitExceededException exceeded) {
                        refusals.record(tenantId, keyId, exceeded.dimension() == Dimension.REQUESTS
                                ? "rate_limit_requests" : "rate_limit_tokens");
                    }
                    return Mono.error(failure);
                })
                .thenReturn(admission);
    }

    /** Charges the difference between the tokens really used and those charged at admission. */
    public void settle(Admission admission, long actualTokens) {
        admission.taken.forEach(t -> t.budget.settle(admission.tokens, actualTokens, t.windowEnd));
    }

    /** The limits and what is left of them, tightest first, for the response headers. */
    public BudgetStatus status(String tenantId, String keyId) {
        BudgetStatus tenant = status(Budget.ofTenant(tenantId), limits.forTenant(tenantId));
        BudgetStatus key = status(Budget.ofKey(tenantId, keyId), limits.forKey(keyId));
        boolean keyRequests = key.limitRequests() > 0
                && (tenant.limitRequests() == 0 || key.remainingRequests() < tenant.remainingRequests());
        boolean keyTokens = key.limitTokens() > 0
                && (tenant.limitTokens() == 0 || key.remainingTokens() < tenant.remainingTokens());
        return new BudgetStatus(
                keyRequests ? key.limitRequests() : tenant.limitRequests(),
                keyRequests ? key.remainingRequests() : tenant.remainingRequests(),
                keyTokens ? key.limitTokens() : tenant.limitTokens(),
                keyTokens ? key.remainingTokens() : tenant.remainingTokens(),
                Math.max(keyRequests || keyTokens ? key.resetMillis() : 0, tenant.resetMillis()));
    }

    /** Budgets this replica currently keeps a lease or waiters for. */
    public int budgetCount() {
        return budgets.size();
    }

    private Mono<Void> takeFrom(LocalBudget budget, Admission admission, int requests, long tokens) {
        if (budget == null) {
            return Mono.empty();
        }
        return budget.take(requests, tokens).doOnNext(window -> admission.taken.add(new Admission.Taken(budget, window)))
                .then();
    }

    private BudgetStatus status(Budget budget, Limits current) {
        if (!current.limitsAnything()) {
            return BudgetStatus.UNLIMITED;
        }
        LocalBudget local = budgets.get(budget.id());
        if (local == null) {
            return new BudgetStatus(Math.max(0, current.requestsPerMinute()), Math.max(0, current.requestsPerMinute()),
                    Math.max(0, current.tokensPerMinute()), Math.max(0, current.tokensPerMinute()), 0);
        }
        local.limitsChanged(current);
        return local.status();
    }

    private LocalBudget budget(Budget budget, Limits current) {
        if (!current.limitsAnything()) {
            budgets.remove(budget.id());
            return null;
        }
        LocalBudget local = budgets.computeIfAbsent(budget.id(),
                id -> new LocalBudget(budget, current, claims, nanoTime, maxWaitersPerBudget, prefetchHorizon));
        local.limitsChanged(current);
        return local;
    }
}
