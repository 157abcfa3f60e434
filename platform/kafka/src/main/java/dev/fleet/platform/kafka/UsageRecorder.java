package dev.fleet.platform.kafka;

import java.time.Clock;
import java.util.Locale;
import java.util.Objects;

import org.apache.kafka.common.header.Headers;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.schemas.FleetTopics;

/**
 * The one way a service records usage: a {@link UsageRecorded} stamped with this recorder's clock,
 * published to {@code fleet.usage.v1} keyed by its tenant, with an {@code event-id} derived from its
 * cause and its meter ({@link EventContext#derivedId}), so that handling the same cause again
 * re-publishes the same usage with the same id and usage-metering counts it once.
 *
 * <p>The cause is the consumed record's {@code event-id} ({@link #publish}, {@link #context}) or, where
 * the code that decides on usage sees no record (the orchestrator's domain), the id of the request it
 * answers ({@link #eventId}). Limit: a cause without an {@code event-id} header gets a random id, so its
 * redelivery would be counted twice.
 */
public final class UsageRecorder {

    private final Clock clock;

    public UsageRecorder(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code quantity} of {@code meter} used by {@code tenantId} now, for {@code model} (null: none). */
    public UsageRecorded usage(String tenantId, Meter meter, long quantity, String model) {
        return UsageRecorded.newBuilder()
                .setTenantId(tenantId)
                .setMeter(meter)
                .setQuantity(quantity)
                .setModel(model)
                .setOccurredAt(clock.instant())
                .build();
    }

    /** Publishes the usage that the consumed record with headers {@code cause} caused, with {@code sends}. */
    public void publish(PendingSends sends, Headers cause, String tenantId, Meter meter, long quantity, String model) {
        sends.publish(FleetTopics.USAGE, tenantId, usage(tenantId, meter, quantity, model),
                context(cause, tenantId, meter));
    }

    /** The context of the usage on {@code meter} that the consumed record with headers {@code cause} caused. */
    public static EventContext context(Headers cause, String tenantId, Meter meter) {
        return EventContext.derivedFrom(cause, tenantId, purpose(meter));
    }

    /** The event id of the usage on {@code meter} that the event or request {@code causeId} caused. */
    public static String eventId(String causeId, Meter meter) {
        return EventContext.derivedId(causeId, purpose(meter));
    }

    private static String purpose(Meter meter) {
        return "usage/" + meter.name().toLowerCase(Locale.ROOT);
    }
}
