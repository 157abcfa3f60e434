package dev.fleet.metering.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.fleet.events.v1.Granularity;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.metering.domain.DailyUsage;
import dev.fleet.metering.domain.RollupWindow;
import dev.fleet.metering.domain.UsageReplay;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.TopicRangeReader;
import dev.fleet.schemas.FleetTopics;

/**
 * Replays {@code fleet.usage.v1} for a simulation with a consumer of its own: no group, nothing
 * committed, every partition assigned and sought to {@code offsetsForTimes(from − }{@link #LOOKBACK}{@code )}
 * (a record's timestamp may precede its {@code occurredAt} a little), read up to the end offsets taken at
 * the start (usage arriving meanwhile is not waited for), read committed. Records count once per
 * {@code event-id} (over the whole replay, where metering remembers ids for an hour), those that occurred
 * outside {@code [from, to)} are ignored, and records that cannot be decoded or are negative are skipped
 * and counted (metering has already dead-lettered or refused them). It never writes anything.
 *
 * <p>Limits: only what the topic still retains (a week) can be replayed; a replay holds the set of
 * event ids and the per-day sums in memory.
 */
public class KafkaUsageReplay implements UsageReplay {

    static final Duration LOOKBACK = Duration.ofHours(1);

    private final TopicRangeReader reader;
    private final FleetSerde serde;

    /** {@code consumerConfig}: bootstrap and security settings; group and deserializers are set here. */
    public KafkaUsageReplay(Map<String, Object> consumerConfig, FleetSerde serde) {
        this.reader = new TopicRangeReader(consumerConfig, "usage-metering-simulation");
        this.serde = serde;
    }

    @Override
    public Replayed replay(Instant from, Instant to, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Tally tally = new Tally(from, to);
        TopicRangeReader.Read read = reader.read(FleetTopics.USAGE, from.minus(LOOKBACK), null, timeout,
                new TopicRangeReader.Visitor() {
                    @Override
                    public void accept(ConsumerRecord<byte[], byte[]> record) {
                        tally.add(record);
                    }

                    @Override
                    public void progress(long read, long total) {
                        if (System.nanoTime() > deadline) {
                            throw new SimulationTimeoutException("the replay read " + read + " of " + total
                                    + " records in " + timeout + "; choose a shorter range");
                        }
                    }
                });
        return tally.result(read.total());
    }

    /** The replay's running sums. */
    private final class Tally {

        private final Instant from;
        private final Instant to;
        private final Set<String> seen = new HashSet<>();
        private final Map<String, Map<String, DailyUsage>> byTenant = new HashMap<>();
        private long read;
        private long inRange;
        private long duplicates;
        private long unreadable;

        Tally(Instant from, Instant to) {
            this.from = from;
            this.to = to;
        }

        void add(ConsumerRecord<byte[], byte[]> record) {
            read++;
            UsageRecorded usage;
            try {
                usage = serde.deserialize(FleetTopics.USAGE, record.value());
            } catch (RuntimeException e) {
                unreadable++;
                return;
            }
            if (usage == null || usage.getQuantity() < 0) {
                unreadable++;
                return;
            }
            if (usage.getOccurredAt().isBefore(from) || !usage.getOccurredAt().isBefore(to)) {
                return;
            }
            Header eventId = record.headers().lastHeader(FleetHeaders.EVENT_ID);
            if (eventId != null && eventId.value() != null
                    && !seen.add(new String(eventId.value(), StandardCharsets.UTF_8))) {
                duplicates++;
                return;
            }
            inRange++;
            Instant day = RollupWindow.containing(Granularity.DAY, usage.getOccurredAt()).start();
            String key = day + "/" + usage.getMeter() + "/" + usage.getModel();
            byTenant.computeIfAbsent(usage.getTenantId(), t -> new HashMap<>()).merge(key,
                    new DailyUsage(day, usage.getMeter(), usage.getModel(), usage.getQuantity()),
                    (a, b) -> new DailyUsage(a.day(), a.meter(), a.model(), Math.addExact(a.quantity(), b.quantity())));
        }

        Replayed result(long total) {
            Map<String, List<DailyUsage>> usage = new HashMap<>();
            byTenant.forEach((tenant, days) -> usage.put(tenant, new ArrayList<>(days.values())));
            return new Replayed(usage, total, read, inRange, duplicates, unreadable);
        }
    }
}
