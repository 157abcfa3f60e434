package dev.fleet.orchestrator.domain;

/**
 * Limits set for one tenant instead of its plan's. A {@code null} field keeps the plan's limit;
 * {@code 0} means no limit at all.
 */
public record LimitOverrides(Integer requestsPerMinute, Long tokensPerMinute, Long monthlyTokens, Long maxItems,
        Long maxStoredBytes, Long maxItemBytes) {

    /** The plan's limits, unchanged. */
    public static final LimitOverrides NONE = new LimitOverrides(null, null, null);

    public LimitOverrides {
        if (negative(requestsPerMinute) || negative(tokensPerMinute) || negative(monthlyTokens) || negative(maxItems)
                || negative(maxStoredBytes) || negative(maxItemBytes)) {
            throw new IllegalArgumentException("limits are 0 (none) or more");
        }
    }

    /** Overrides of the request and token limits only; the item limits stay the plan's. */
    public LimitOverrides(Integer requestsPerMinute, Long tokensPerMinute, Long monthlyTokens) {
        this(requestsPerMinute, tokensPerMinute, monthlyTokens, null, null, null);
    }

    static boolean negative(Number n) {
        return n != null && n.longValue() < 0;
    }
}
