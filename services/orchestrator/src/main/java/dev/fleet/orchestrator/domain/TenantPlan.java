package dev.fleet.orchestrator.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * What a tenant pays for, and the limits that come with it. The gateway enforces the limits it
 * reads from the tenants topic; this enum is where they are decided.
 */
public enum TenantPlan {

    FREE(60, 40_000L, 100_000L, 1_000_000L),
    PRO(600, 400_000L, 2_000_000L, 50_000_000L),
    ENTERPRISE(6_000, 4_000_000L, 50_000_000L, 1_000_000_000L);

    private final int requestsPerMinute;
    private final long tokensPerMinute;
    private final long tokensPerDay;
    private final long monthlyTokens;

    TenantPlan(int requestsPerMinute, long tokensPerMinute, long tokensPerDay, long monthlyTokens) {
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.tokensPerDay = tokensPerDay;
        this.monthlyTokens = monthlyTokens;
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
