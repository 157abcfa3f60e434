package dev.fleet.metering.messaging;

import java.time.Instant;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.QuotaExceeded;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.QuotaWarningReached;
import dev.fleet.metering.domain.RollupWindow;
import dev.fleet.platform.kafka.streams.OutputHeaders;

/**
 * Each tenant's monthly token quota standing, kept in the task that owns the tenant: tokens used per
 * tenant and UTC month ({@link UsageTopology#QUOTA_USED_STORE}), the tenant's {@code monthlyTokens}
 * ({@link UsageTopology#TENANT_QUOTAS_STORE}) and the status last written
 * ({@link UsageTopology#QUOTA_STATUS_STORE}). A change of state, of limit or of month is written at
 * once as a {@link QuotaStatus}; a change of {@code used} alone is written by the next
 * {@link #flush} (the topology calls it every second). An escalation to WARNING or EXCEEDED also
 * becomes a domain event ({@link QuotaWarningReached}, {@link QuotaExceeded}).
 *
 * <p>Limits: "now" is the stream thread's wall clock; the set of tenants whose {@code used} is not yet
 * written lives in memory, so after a crash {@code used} catches up with the tenant's next usage, while
 * states are never lost (they are written in the same transaction as the usage that changed them).
 */
final class QuotaTracker {

    private final ProcessorContext<String, SpecificRecord> context;
    private final HotTotals used;
    private final HotTotals limits;
    private final KeyValueStore<String, QuotaStatus> statuses;
    private final String producedBy;
    private final Set<String> usedChanged = new HashSet<>();
    /**
     * The statuses of {@link #statuses} this task has read or written, so a record costs no Avro decoding
     * of its tenant's status; only this processor writes that store, and a task that is revived (after
     * an aborted transaction, say) gets a new processor and so a new tracker.
     */
    private final Map<String, QuotaStatus> written = new HashMap<>();
    private YearMonth monthChecked;

    QuotaTracker(ProcessorContext<String, SpecificRecord> context, String producedBy) {
        this.context = context;
        this.used = new HotTotals(context.getStateStore(UsageTopology.QUOTA_USED_STORE));
        this.limits = new HotTotals(context.getStateStore(UsageTopology.TENANT_QUOTAS_STORE));
        this.statuses = context.getStateStore(UsageTopology.QUOTA_STATUS_STORE);
        this.producedBy = producedBy;
    }

    /** The state of {@code used} tokens against {@code limit} (null: no quota). */
    static QuotaState stateOf(long used, Long limit) {
        if (limit == null) {
            return QuotaState.OK;
        }
        if (used >= limit) {
            return QuotaState.EXCEEDED;
        }
        return used >= limit - limit / 5 ? QuotaState.WARNING : QuotaState.OK; // 80 %, rounded up
    }

    void addTokens(String tenantId, Instant occurredAt, long tokens, Headers cause) {
        YearMonth month = RollupWindow.month(occurredAt);
        String key = tenantId + "/" + month;
        Long before = used.get(key);
        long after = Math.addExact(before == null ? 0 : before, tokens);
        used.put(key, after);
        evaluate(tenantId, cause, month, after);
    }

    void limitChanged(String tenantId, Long monthlyTokens, Headers cause) {
        if (monthlyTokens == null) {
            limits.delete(tenantId);
        } else {
            limits.put(tenantId, monthlyTokens);
        }
        evaluate(tenantId, cause, null, 0);
    }

    /** Writes the {@code used} of tenants changed since the last flush, and every status when the month turned. */
    void flush() {
        YearMonth month = RollupWindow.month(now());
        if (!month.equals(monthChecked)) {
            monthChecked = month;
            try (KeyValueIterator<String, QuotaStatus> all = statuses.all()) {
                while (all.hasNext()) {
                    KeyValue<String, QuotaStatus> status = all.next();
                    if (!status.value.getMonth().equals(month.toString())) {
                        usedChanged.add(status.key);
                    }
                }
            }
        }
        for (String tenantId : Set.copyOf(usedChanged)) {
            write(tenantId, current(tenantId, null, 0), written(tenantId), null);
        }
        usedChanged.clear();
    }

    /** {@code usedMonth}, if not null, is a month whose {@code used} tokens the caller has just written as {@code usedThen}. */
    private void evaluate(String tenantId, Headers cause, YearMonth usedMonth, long usedThen) {
        QuotaStatus next = current(tenantId, usedMonth, usedThen);
        QuotaStatus previous = written(tenantId);
        boolean changed = previous == null || previous.getState() != next.getState()
                || !Objects.equals(previous.getLimit(), next.getLimit())
                || !previous.getMonth().equals(next.getMonth());
        if (changed) {
            write(tenantId, next, previous, cause);
        } else if (previous.getUsed() != next.getUsed()) {
            usedChanged.add(tenantId);
        }
    }

    /** The status last written for {@code tenantId}: from memory, else (first use since the task started) from the store. */
    private QuotaStatus written(String tenantId) {
        QuotaStatus status = written.get(tenantId);
        if (status == null) {
            status = statuses.get(tenantId);
            if (status != null) {
                written.put(tenantId, status);
            }
        }
        return status;
    }

    private QuotaStatus current(String tenantId, YearMonth usedMonth, long usedThen) {
        Instant now = now();
        YearMonth month = RollupWindow.month(now);
        Long usedTokens = month.equals(usedMonth) ? Long.valueOf(usedThen) : used.get(tenantId + "/" + month);
        long usedNow = usedTokens == null ? 0 : usedTokens;
        Long limit = limits.get(tenantId);
        return new QuotaStatus(tenantId, month.toString(), usedNow, limit, stateOf(usedNow, limit), now);
    }

    private void write(String tenantId, QuotaStatus status, QuotaStatus previous, Headers cause) {
        usedChanged.remove(tenantId);
        statuses.put(tenantId, status);
        written.put(tenantId, status);
        String identity = "quota/" + tenantId + "/" + status.getMonth() + "/" + status.getState() + "/"
                + status.getLimit() + "/" + status.getUsed();
        long timestamp = status.getUpdatedAt().toEpochMilli();
        context.forward(new Record<String, SpecificRecord>(tenantId, status, timestamp,
                OutputHeaders.of(identity, tenantId, cause, producedBy)));
        if (escalated(previous, status)) {
            SpecificRecord payload = status.getState() == QuotaState.EXCEEDED
                    ? new QuotaExceeded(status.getMonth(), status.getUsed(), status.getLimit())
                    : new QuotaWarningReached(status.getMonth(), status.getUsed(), status.getLimit());
            String eventIdentity = "event/" + identity;
            DomainEvent event = new DomainEvent(OutputHeaders.eventId(eventIdentity), tenantId,
                    status.getUpdatedAt(), producedBy, "tenant/" + tenantId, producedBy, payload);
            context.forward(new Record<String, SpecificRecord>(tenantId, event, timestamp,
                    OutputHeaders.of(eventIdentity, tenantId, cause, producedBy)));
        }
    }

    /** Whether {@code next} is a worse state than {@code previous} in its month. */
    private static boolean escalated(QuotaStatus previous, QuotaStatus next) {
        if (next.getState() == QuotaState.OK) {
            return false;
        }
        return previous == null || !previous.getMonth().equals(next.getMonth())
                || previous.getState().ordinal() < next.getState().ordinal();
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
