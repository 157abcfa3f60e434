package dev.fleet.gateway.domain.ratelimit;

/**
 * The owner's record of one budget in one fixed one-minute window: how many requests and tokens it
 * has granted to replicas so far, under which limits. The owner is the one replica that owns the
 * budget's partition of the claims topic, so every grant of a budget is decided here, in order,
 * and the sum granted in a window never exceeds its limit.
 * <p>
 * Pure: no clock, no Kafka; {@link #decide} takes the owner's time.
 *
 * @param windowStart    start of the window (epoch millis, a whole minute)
 * @param grantedRequests requests granted in the window
 * @param grantedTokens  tokens granted (or charged after the fact) in the window
 * @param limits         the newest limits the owner has heard of
 */
public record BudgetWindow(long windowStart, long grantedRequests, long grantedTokens, Limits limits) {

    /** Length of a window. */
    public static final long WINDOW_MILLIS = 60_000;

    /** What {@link #decide} granted, and the window to keep afterwards. */
    public record Decision(BudgetWindow next, int requests, long tokens, long remainingRequests,
            long remainingTokens, long windowEnd) {
    }

    /** Start of the window {@code nowMillis} falls in. */
    public static long windowStartOf(long nowMillis) {
        return nowMillis - Math.floorMod(nowMillis, WINDOW_MILLIS);
    }

    /**
     * Decides one claim: charges the tokens a replica used beyond its grants, then grants as much of
     * what was asked as the window has left (all of it where there is no limit).
     *
     * @param current  the budget's window as stored, or {@code null} for none
     * @param claimed  the limits the asking replica knows of (the newer of these and the stored ones apply)
     */
    public static Decision decide(BudgetWindow current, long nowMillis, int requests, long tokens,
            long tokensUsedBeyondGrants, Limits claimed) {
        if (requests < 0 || tokens < 0 || tokensUsedBeyondGrants < 0) {
            throw new IllegalArgumentException("a claim asks for no negative amounts (requests " + requests
                    + ", tokens " + tokens + ", used beyond grants " + tokensUsedBeyondGrants + ")");
        }
        long window = windowStartOf(nowMillis);
        BudgetWindow base = current == null || current.windowStart != window
                ? new BudgetWindow(window, 0, 0, current == null ? claimed : current.limits.newest(claimed))
                : current.withLimits(current.limits.newest(claimed));
        Limits limits = base.limits;
        long charged = saturatedAdd(base.grantedTokens, tokensUsedBeyondGrants);

        int grantRequests = limits.limitsRequests()
                ? (int) Math.min(requests, Math.max(0, limits.requestsPerMinute() - base.grantedRequests))
                : requests;
        long grantTokens = limits.limitsTokens()
                ? Math.min(tokens, Math.max(0, limits.tokensPerMinute() - charged))
                : tokens;
        BudgetWindow next = new BudgetWindow(window, base.grantedRequests + grantRequests,
                saturatedAdd(charged, grantTokens), limits);
        long remainingRequests = limits.limitsRequests()
                ? Math.max(0, limits.requestsPerMinute() - next.grantedRequests) : -1;
        long remainingTokens = limits.limitsTokens()
                ? Math.max(0, limits.tokensPerMinute() - next.grantedTokens) : -1;
        return new Decision(next, grantRequests, grantTokens, remainingRequests, remainingTokens,
                window + WINDOW_MILLIS);
    }

    private BudgetWindow withLimits(Limits newest) {
        return newest == limits ? this : new BudgetWindow(windowStart, grantedRequests, grantedTokens, newest);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
