package dev.fleet.orchestrator.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * What a tenant pays for, and the limits that come with it. The gateway enforces the limits it
 * reads from the tenants topic; this enum is where they are decided.
 */
public enum TenantPlan {

    FREE(60, 40_000L, 100_000L, 1_000_000L, 10_000L, 50_000_000L, 32_768L),
    PRO(600, 400_000L, 2_000_000L, 50_000_000L, 500_000L, 2_000_000_000L, 131_072L),
    ENTERPRISE(6_000, 4_000_000L, 50_000_000L, 1_000_000_000L, 5_000_000L, 20_000_000_000L, 524_288L);

    private final int requestsPerMinute;
    private final long tokensPerMinute;
    private final long tokensPerDay;
    private final long monthlyTokens;
    private final long maxItems;
    private final long maxStoredBytes;
    private final long maxItemBytes;

    TenantPlan(int requestsPerMinute, long tokensPerMinute, long tokensPerDay, long monthlyTokens, long maxItems,
            long maxStoredBytes, long maxItemBytes) {
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.tokensPerDay = tokensPerDay;
        this.monthlyTokens = monthlyTokens;
        this.maxItems = maxItems;
        this.maxStoredBytes = maxStoredBytes;
        this.maxItemBytes = maxItemBytes;
    }

    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    public long tokensPerMinute() {
        return tokensPerMinute;
    }

    public long monthlyTokens() {
        return monthlyTokens;
    }

    public long tokensPerDay() {
        return tokensPerDay;
    }

    /** Knowledge items stored across the tenant's collections (decision 0048). */
    public long maxItems() {
        return maxItems;
    }

    /** Bytes of all stored items together, counted as {@code ItemSize}. */
    public long maxStoredBytes() {
        return maxStoredBytes;
    }

    /** Bytes of one item, counted as {@code ItemSize}. */
    public long maxItemBytes() {
        return maxItemBytes;
    }

    /** The plan's name as the admin API spells it: {@code free}, {@code pro}, {@code enterprise}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The plan named {@code name} (case-insensitive); empty for anything else. */
    public static Optional<TenantPlan> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (TenantPlan plan : values()) {
            if (plan.apiName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(plan);
            }
        }
        return Optional.empty();
    }
}
