package dev.fleet.orchestrator.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * What a tenant pays for, and the limits that come with it. The gateway enforces the limits it
 * reads from the tenants topic; this enum is where they are decided.
 */
public enum TenantPlan {

    FREE(60, 100_000L),
    PRO(600, 2_000_000L),
    ENTERPRISE(6_000, 50_000_000L);

    private final int requestsPerMinute;
    private final long tokensPerDay;

    TenantPlan(int requestsPerMinute, long tokensPerDay) {
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerDay = tokensPerDay;
    }

    public int requestsPerMinute() {
        return requestsPerMinute;
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
