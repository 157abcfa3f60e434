package dev.fleet.gateway.domain.ratelimit;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A budget owner in memory for the replicas' tests: decides claims with the real
 * {@link BudgetWindow} logic, but only when the test says so ({@link #answerAll}), so the test
 * controls what is in flight.
 */
final class FakeOwner implements CapacityClaims {

    private record Pending(Budget budget, int requests, long tokens, long beyond, Limits limits,
            Sinks.One<CapacityGrant> sink) {
    }

    private final Map<String, BudgetWindow> windows = new HashMap<>();
    private final Queue<Pending> pending = new ArrayDeque<>();
    long nowMillis = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, BudgetWindow.WINDOW_MILLIS) + 5_000;
    int claimsReceived;
    long tokensChargedBeyondGrants;
    boolean failing;

    @Override
    public synchronized Mono<CapacityGrant> claim(Budget budget, int requests, long tokens, long beyond,
            Limits limits) {
        claimsReceived++;
        Sinks.One<CapacityGrant> sink = Sinks.one();
        pending.add(new Pending(budget, requests, tokens, beyond, limits, sink));
        return sink.asMono();
    }

    /** Decides every claim received so far, in order (and those the answers cause, until none is left). */
    void answerAll() {
        Pending p;
        while ((p = next()) != null) {
            if (failing) {
                p.sink.tryEmitError(new RateLimiterUnavailableException("owner away", null));
                continue;
            }
            BudgetWindow.Decision d;
            synchronized (this) {
                tokensChargedBeyondGrants += p.beyond;
                d = BudgetWindow.decide(windows.get(p.budget.id()), nowMillis, p.requests, p.tokens, p.beyond,
                        p.limits);
                windows.put(p.budget.id(), d.next());
            }
            p.sink.tryEmitValue(new CapacityGrant(d.requests(), d.tokens(), d.remainingRequests(),
                    d.remainingTokens(), d.next().limits(), nowMillis, d.windowEnd()));
        }
    }

    synchronized long grantedRequests(String budget) {
        BudgetWindow w = windows.get(budget);
        return w == null ? 0 : w.grantedRequests();
    }

    synchronized long grantedTokens(String budget) {
        BudgetWindow w = windows.get(budget);
        return w == null ? 0 : w.grantedTokens();
    }

    private synchronized Pending next() {
        return pending.poll();
    }
}
