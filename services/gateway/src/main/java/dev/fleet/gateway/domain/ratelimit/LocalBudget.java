package dev.fleet.gateway.domain.ratelimit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

import dev.fleet.gateway.domain.ratelimit.RateLimitExceededException.Dimension;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * This replica's lease on one budget: the capacity its owner granted for the current window, spent
 * locally without a round trip, and the requests waiting while a claim for more is on its way.
 * <p>
 * One claim at a time: requests that arrive while it is out wait and are counted into the next
 * claim, so a burst costs one round trip, not one per request. A claim asks for what the waiters
 * need plus a little more (a prefetch of the recent demand, capped at a twentieth of the limit, so
 * little capacity is stranded on a replica that stops needing it). When the owner answers that the
 * window is used up, requests are refused here until the window ends, without asking again.
 * <p>
 * A lease expires by this replica's monotonic clock: at the time the claim was sent plus the time
 * the owner said was left of its window. The owner answered after the claim was sent, so the lease
 * never outlives the owner's window, whatever the clocks of the two machines say.
 * <p>
 * Thread-safety: state is guarded by {@code this}; waiters are completed outside the lock.
 */
final class LocalBudget {

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private record Waiter(int requests, long tokens, MonoSink<Long> sink) {
    }

    /** A claim about to be sent, decided under the lock and sent outside it. */
    private record Ask(int requests, long tokens, long debt, Limits limits, long sentAtNanos) {
    }

    private final Budget budget;
    private final CapacityClaims claims;
    private final LongSupplier nanoTime;
    private final int maxWaiters;
    private final Duration prefetchHorizon;
    private final DemandMeter demand;

    private Limits limits;
    private long requestBalance;
    private long tokenBalance;
    private long leaseWindowEnd = Long.MIN_VALUE;
    private long expiresAtNanos;
    private boolean requestsExhausted;
    private boolean tokensExhausted;
    private long ownerRemainingRequests = -1;
    private long ownerRemainingTokens = -1;
    private long debt;
    private boolean claiming;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    LocalBudget(Budget budget, Limits limits, CapacityClaims claims, LongSupplier nanoTime, int maxWaiters,
            Duration prefetchHorizon) {
        this.budget = budget;
        this.limits = limits;
        this.claims = claims;
        this.nanoTime = nanoTime;
        this.maxWaiters = maxWaiters;
        this.prefetchHorizon = prefetchHorizon;
        this.demand = new DemandMeter(nanoTime);
    }

    /**
     * Takes {@code requests} and {@code tokens} from the lease, waiting for a claim when it holds too
     * little. Emits the owner's window end of the capacity taken (for {@link #giveBack} and
     * {@link #settle}); fails with {@link RateLimitExceededException} when the window is used up, or
     * {@link RateLimiterUnavailableException} when no owner answers.
     */
    Mono<Long> take(int requests, long tokens) {
        return Mono.<Long>create(sink -> {
            Ask ask = null;
            Long admittedIn = null;
            RuntimeException refusal;
            Waiter waiter = null;
            synchronized (this) {
                long now = nanoTime.getAsLong();
                expireIfDue(now);
                refusal = tooLarge(requests, tokens);
                if (refusal == null && fits(requests, tokens)) {
                    consume(requests, tokens);
                    admittedIn = leaseWindowEnd;
                } else if (refusal == null && (refusal = exhaustedFor(requests, tokens, now)) == null) {
                    if (waiters.size() >= maxWaiters) {
                        refusal = new RateLimiterUnavailableException("too many requests are waiting for capacity "
                                + "of budget " + budget.id(), null);
                    } else {
                        waiter = new Waiter(requests, tokens, sink);
                        waiters.add(waiter);
                        ask = claimIfIdle(now);
                    }
                }
            }
            if (admittedIn != null) {
                sink.success(admittedIn);
            } else if (refusal != null) {
                sink.error(refusal);
            } else {
                Waiter registered = waiter;
                sink.onCancel(() -> withdraw(registered));
                send(ask);
            }
        });
    }

    /** Returns capacity taken but not used (another budget refused the request), if its window still holds. */
    void giveBack(int requests, long tokens, long windowEnd) {
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            expireIfDue(nanoTime.getAsLong());
            if (windowEnd != leaseWindowEnd) {
                return;
            }
            requestBalance += limits.limitsRequests() ? requests : 0;
            tokenBalance += limits.limitsTokens() ? tokens : 0;
            serveWaiters(completions);
        }
        completions.forEach(Runnable::run);
    }

    /**
     * Settles a request's tokens once its real usage is known: tokens estimated at admission
     * beyond the real ones go back to the lease (same window only); real ones beyond the estimate
     * are taken from the lease or, where it holds too few, reported to the owner as used beyond grants.
     */
    void settle(long estimatedTokens, long actualTokens, long windowEnd) {
        if (!limits.limitsTokens() || estimatedTokens == actualTokens) {
            return;
        }
        Ask ask = null;
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            long now = nanoTime.getAsLong();
            expireIfDue(now);
            long delta = actualTokens - estimatedTokens;
            if (delta < 0) {
                if (windowEnd == leaseWindowEnd) {
                    tokenBalance -= delta;
                    serveWaiters(completions);
                }
            } else {
                long fromLease = Math.min(delta, tokenBalance);
                tokenBalance -= fromLease;
                debt += delta - fromLease;
                if (debt > 0) {
                    ask = claimIfIdle(now);
                }
            }
        }
        completions.forEach(Runnable::run);
        send(ask);
    }

    /** New limits for the budget: what the lease holds was granted under the old ones and is dropped. */
    synchronized void limitsChanged(Limits newLimits) {
        if (newLimits.equals(limits)) {
            return;
        }
        limits = newLimits;
        dropLease();
    }

    synchronized BudgetStatus status() {
        long now = nanoTime.getAsLong();
        expireIfDue(now);
        long reset = leaseWindowEnd == Long.MIN_VALUE ? 0 : Math.max(0, (expiresAtNanos - now) / NANOS_PER_MILLI);
        long remainingRequests = ownerRemainingRequests < 0 ? limits.requestsPerMinute()
                : ownerRemainingRequests + requestBalance;
        long remainingTokens = ownerRemainingTokens < 0 ? limits.tokensPerMinute()
                : ownerRemainingTokens + tokenBalance;
        return new BudgetStatus(Math.max(0, limits.requestsPerMinute()), Math.max(0, remainingRequests),
                Math.max(0, limits.tokensPerMinute()), Math.max(0, remainingTokens), reset);
    }

    /** True when nothing is held, owed or awaited: the budget can be forgotten. */
    synchronized boolean idle() {
        expireIfDue(nanoTime.getAsLong());
        return leaseWindowEnd == Long.MIN_VALUE && waiters.isEmpty() && debt == 0 && !claiming;
    }

    private void send(Ask ask) {
        if (ask == null) {
            return;
        }
        claims.claim(budget, ask.requests, ask.tokens, ask.debt, ask.limits)
                .subscribe(grant -> onGrant(grant, ask), failure -> onClaimFailed(failure, ask));
    }

    private void onGrant(CapacityGrant grant, Ask sent) {
        Ask next = null;
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            claiming = false;
            long now = nanoTime.getAsLong();
            expireIfDue(now);
            long expiry = sent.sentAtNanos + grant.validForMillis() * NANOS_PER_MILLI;
            if (now < expiry && grant.windowEnd() >= leaseWindowEnd) {
                if (grant.windowEnd() != leaseWindowEnd) {
                    dropLease();
                    leaseWindowEnd = grant.windowEnd();
                    expiresAtNanos = expiry;
                } else {
                    expiresAtNanos = Math.min(expiresAtNanos, expiry);
                }
                requestBalance += grant.requests();
                tokenBalance += grant.tokens();
                ownerRemainingRequests = grant.remainingRequests();
                ownerRemainingTokens = grant.remainingTokens();
                requestsExhausted = grant.limits().limitsRequests() && grant.remainingRequests() == 0;
                tokensExhausted = grant.limits().limitsTokens() && grant.remainingTokens() == 0;
            }
            serveWaiters(completions);
            if (!waiters.isEmpty() || debt > 0) {
                next = claimIfIdle(now);
            }
        }
        completions.forEach(Runnable::run);
        send(next);
    }

    private void onClaimFailed(Throwable failure, Ask sent) {
        List<Waiter> failed;
        synchronized (this) {
            claiming = false;
            debt += sent.debt;
            failed = List.copyOf(waiters);
            waiters.clear();
        }
        RateLimiterUnavailableException unavailable = failure instanceof RateLimiterUnavailableException u ? u
                : new RateLimiterUnavailableException("no capacity could be claimed for budget " + budget.id(), failure);
        failed.forEach(w -> w.sink.error(unavailable));
    }

    /** Under the lock: admits the waiters that fit, refuses those the used-up window can never admit. */
    private void serveWaiters(List<Runnable> completions) {
        long now = nanoTime.getAsLong();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter w = it.next();
            if (fits(w.requests, w.tokens)) {
                consume(w.requests, w.tokens);
                long window = leaseWindowEnd;
                it.remove();
                completions.add(() -> w.sink.success(window));
            } else {
                RuntimeException refusal = exhaustedFor(w.requests, w.tokens, now);
                if (refusal != null) {
                    it.remove();
                    completions.add(() -> w.sink.error(refusal));
                }
            }
        }
    }

    /** Under the lock: starts a claim unless one is out, asking for what the waiters need plus a prefetch. */
    private Ask claimIfIdle(long now) {
        if (claiming) {
            return null;
        }
        long wantRequests = 0;
        long wantTokens = 0;
        for (Waiter w : waiters) {
            wantRequests += w.requests;
            wantTokens += w.tokens;
        }
        if (!waiters.isEmpty()) {
            wantRequests += prefetch(demand.requestsPerSecond(), limits.requestsPerMinute());
            wantTokens += prefetch(demand.tokensPerSecond(), limits.tokensPerMinute());
        }
        claiming = true;
        Ask ask = new Ask(limits.limitsRequests() ? (int) Math.min(Integer.MAX_VALUE, wantRequests) : 0,
                limits.limitsTokens() ? wantTokens : 0, debt, limits, now);
        debt = 0;
        return ask;
    }

    private long prefetch(double perSecond, long limit) {
        if (limit <= 0) {
            return 0;
        }
        long horizon = (long) Math.ceil(perSecond * prefetchHorizon.toMillis() / 1000.0);
        return Math.min(horizon, limit / 20);
    }

    private boolean fits(int requests, long tokens) {
        return (!limits.limitsRequests() || requestBalance >= requests)
                && (!limits.limitsTokens() || tokenBalance >= tokens);
    }

    private void consume(int requests, long tokens) {
        if (limits.limitsRequests()) {
            requestBalance -= requests;
        }
        if (limits.limitsTokens()) {
            tokenBalance -= tokens;
        }
        demand.record(requests, tokens);
    }

    private RuntimeException tooLarge(int requests, long tokens) {
        if (limits.limitsTokens() && tokens > limits.tokensPerMinute()) {
            return new RateLimitExceededException(Dimension.TOKENS, Duration.ofSeconds(60),
                    "Request too large: it needs " + tokens + " tokens, over the limit of " + limits.tokensPerMinute()
                            + " tokens per minute.");
        }
        return null;
    }

    private RuntimeException exhaustedFor(int requests, long tokens, long now) {
        Duration reset = Duration.ofNanos(Math.max(0, expiresAtNanos - now));
        if (requests > 0 && limits.limitsRequests() && requestsExhausted && requestBalance < requests) {
            return new RateLimitExceededException(Dimension.REQUESTS, reset, "Rate limit reached for requests: "
                    + limits.requestsPerMinute() + " per minute.");
        }
        if (tokens > 0 && limits.limitsTokens() && tokensExhausted && tokenBalance < tokens) {
            return new RateLimitExceededException(Dimension.TOKENS, reset, "Rate limit reached for tokens: "
                    + limits.tokensPerMinute() + " per minute; this request needs " + tokens + ".");
        }
        return null;
    }

    private void expireIfDue(long now) {
        if (leaseWindowEnd != Long.MIN_VALUE && now - expiresAtNanos >= 0) {
            dropLease();
        }
    }

    private void dropLease() {
        requestBalance = 0;
        tokenBalance = 0;
        requestsExhausted = false;
        tokensExhausted = false;
        ownerRemainingRequests = -1;
        ownerRemainingTokens = -1;
        leaseWindowEnd = Long.MIN_VALUE;
    }

    private void withdraw(Waiter waiter) {
        synchronized (this) {
            waiters.remove(waiter);
        }
    }
}
