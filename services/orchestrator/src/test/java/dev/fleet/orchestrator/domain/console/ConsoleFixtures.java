package dev.fleet.orchestrator.domain.console;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ExperimentAssigned;
import dev.fleet.events.v1.ExperimentOutcome;
import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.InvoiceLine;
import dev.fleet.events.v1.InvoiceStatus;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.UsageRollup;

/** Records as usage-metering and the orchestrator write them, keyed as the catalog says. */
public final class ConsoleFixtures {

    private ConsoleFixtures() {
    }

    public static UsageRollup rollup(String tenant, Granularity granularity, Instant start, Meter meter, String model,
            long quantity, boolean correction) {
        Instant end = switch (granularity) {
            case MINUTE -> start.plus(1, ChronoUnit.MINUTES);
            case HOUR -> start.plus(1, ChronoUnit.HOURS);
            case DAY -> start.plus(1, ChronoUnit.DAYS);
            case MONTH -> start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        };
        return UsageRollup.newBuilder().setTenantId(tenant).setMeter(meter).setWindowStart(start).setWindowEnd(end)
                .setQuantity(quantity).setGranularity(granularity).setModel(model).setCorrection(correction).build();
    }

    public static UsageRollup day(String tenant, LocalDate day, Meter meter, String model, long quantity) {
        return rollup(tenant, Granularity.DAY, day.atStartOfDay().toInstant(ZoneOffset.UTC), meter, model, quantity,
                false);
    }

    /** The record key of a rollup (a correction's adds /late/&lt;event-id&gt;). */
    public static String key(UsageRollup rollup) {
        String key = rollup.getTenantId() + "/" + rollup.getGranularity().name().toLowerCase(Locale.ROOT) + "/"
                + rollup.getWindowStart() + "/" + rollup.getMeter().name().toLowerCase(Locale.ROOT) + "/"
                + (rollup.getModel() == null ? "-" : rollup.getModel());
        return rollup.getCorrection() ? key + "/late/" + UUID.randomUUID() : key;
    }

    public static QuotaStatus quota(String tenant, String month, long used, Long limit, QuotaState state) {
        return QuotaStatus.newBuilder().setTenantId(tenant).setMonth(month).setUsed(used).setLimit(limit)
                .setState(state).setUpdatedAt(Instant.parse(month + "-01T12:00:00Z")).build();
    }

    public static InvoiceLine line(String tenant, String month, Meter meter, String model, long quantity,
            String amount, InvoiceStatus status) {
        return InvoiceLine.newBuilder().setTenantId(tenant).setMonth(month).setMeter(meter).setModel(model)
                .setQuantity(quantity).setUnitPrice(new Money("0.15", "USD")).setPer(1_000_000)
                .setAmount(new Money(amount, "USD")).setPriceBookVersion(1).setStatus(status)
                .setComputedAt(Instant.parse(month + "-02T00:00:00Z")).build();
    }

    public static String lineKey(InvoiceLine line) {
        return line.getTenantId() + "/" + line.getMonth() + "/" + line.getMeter().name().toLowerCase(Locale.ROOT)
                + "/" + line.getModel();
    }

    public static DomainEvent assigned(String eventId, String tenant, String alias, String experiment, String arm,
            String user) {
        return event(eventId, tenant, alias, experiment, new ExperimentAssigned(experiment, alias, arm, user, 42,
                UUID.randomUUID().toString()));
    }

    public static DomainEvent outcome(String eventId, String tenant, String alias, String experiment, String arm,
            boolean succeeded, long latency, int prompt, int completion) {
        return event(eventId, tenant, alias, experiment, ExperimentOutcome.newBuilder().setExperiment(experiment)
                .setAlias(alias).setArm(arm).setUser("u").setRequestId(UUID.randomUUID().toString())
                .setSucceeded(succeeded).setLatencyMillis(latency).setPromptTokens(prompt)
                .setCompletionTokens(completion).setErrorCode(succeeded ? null : "server_error").build());
    }

    private static DomainEvent event(String eventId, String tenant, String alias, String experiment, Object payload) {
        return DomainEvent.newBuilder().setEventId(eventId).setTenantId(tenant)
                .setOccurredAt(Instant.parse("2026-11-20T10:00:00Z")).setActor("orchestrator")
                .setSubject("experiment/" + alias + "/" + experiment).setProducedBy("orchestrator")
                .setPayload(payload).build();
    }
}
