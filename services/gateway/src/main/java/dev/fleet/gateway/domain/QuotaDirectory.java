package dev.fleet.gateway.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;

/**
 * Every tenant's monthly token quota standing as usage-metering last published it on the compacted
 * {@code fleet.quota.status.v1}: a tenant is refused while its latest status says EXCEEDED for the
 * current UTC month. A status of an earlier month means nothing was used since the month turned, so
 * the tenant is admitted again when the month turns, or as soon as a raised limit is published.
 * <p>
 * Limit: the overshoot is bounded by the requests a tenant has in flight, plus those admitted while
 * the EXCEEDED status travels (metering writes it within a second of the change, the mirror applies
 * it within milliseconds).
 */
public final class QuotaDirectory {

    private record Standing(YearMonth month, QuotaState state, long used, Long limit) {
    }

    private final Map<String, Standing> tenants = new ConcurrentHashMap<>();
    private final Clock clock;

    public QuotaDirectory(Clock clock) {
        this.clock = clock;
    }

    /** Applies one record of the quota status topic (a tombstone forgets the tenant). */
    public void apply(String tenantId, QuotaStatus status) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("quota status record without a tenant id");
        }
        if (status == null) {
            tenants.remove(tenantId);
            return;
        }
        tenants.put(tenantId, new Standing(YearMonth.parse(status.getMonth()), status.getState(), status.getUsed(),
                status.getLimit()));
    }

    /**
     * When the tenant is over its quota this month: how long until the month turns (its {@code Retry-After});
     * empty when it may go on.
     */
    public Optional<Duration> exceeded(String tenantId) {
        Standing standing = tenants.get(tenantId);
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        if (standing == null || standing.state() != QuotaState.EXCEEDED || !standing.month().equals(month)) {
            return Optional.empty();
        }
        Instant nextMonth = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return Optional.of(Duration.between(now, nextMonth));
    }
}
