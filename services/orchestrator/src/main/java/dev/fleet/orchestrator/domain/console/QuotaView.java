package dev.fleet.orchestrator.domain.console;

import java.time.Instant;
import java.time.YearMonth;

import dev.fleet.events.v1.QuotaState;

/**
 * A tenant's standing against its monthly token quota, as usage-metering last stated it.
 *
 * @param month     the month counted: the current UTC month (a status of an earlier month means no
 *                  token was used since the month turned, so it reads as 0 used, OK)
 * @param limit     the monthly quota; null when the tenant has none
 * @param updatedAt when usage-metering computed the status this view is based on
 */
public record QuotaView(String tenantId, YearMonth month, long used, Long limit, QuotaState state,
        Instant updatedAt) {

    /** used / limit in percent, rounded down; null without a limit. */
    public Integer percentUsed() {
        if (limit == null) {
            return null;
        }
        return limit <= 0 ? 100 : (int) Math.min(100L * used / limit, Integer.MAX_VALUE);
    }
}
