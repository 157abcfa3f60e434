package dev.fleet.metering.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

import dev.fleet.events.v1.Granularity;
import dev.fleet.metering.domain.UsageHistory;
import dev.fleet.metering.domain.UsageNotQueryableException;
import dev.fleet.metering.domain.UsageWindow;

/**
 * Reads usage windows from this instance's {@link UsageTopology#STORE} with Kafka Streams
 * interactive queries: one range scan per query ({@link RollupKey} sorts a tenant's windows of one
 * granularity by start).
 *
 * <p>Limit: an instance holds only the state of the tasks assigned to it; {@link UsageOwners} says
 * which instance to ask for a tenant.
 */
public class InteractiveUsageHistory implements UsageHistory {

    private final StreamsBuilderFactoryBean streams;

    public InteractiveUsageHistory(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    public List<UsageWindow> windows(String tenantId, Granularity granularity, Instant from, Instant to) {
        try {
            return windows(store(), tenantId, granularity, from, to);
        } catch (InvalidStateStoreException e) {
            throw new UsageNotQueryableException("usage state is not queryable yet: " + e.getMessage(), e);
        }
    }

    /** The windows of {@code tenantId} and {@code granularity} that started in {@code [from, to]}. */
    static List<UsageWindow> windows(ReadOnlyKeyValueStore<String, Long> store, String tenantId,
            Granularity granularity, Instant from, Instant to) {
        List<UsageWindow> windows = new ArrayList<>();
        try (KeyValueIterator<String, Long> found = store.range(RollupKey.rangeStart(tenantId, granularity, from),
                RollupKey.rangeEnd(tenantId, granularity, to))) {
            while (found.hasNext()) {
                KeyValue<String, Long> entry = found.next();
                RollupKey key = RollupKey.parse(entry.key);
                if (key.windowStart().isBefore(from) || key.windowStart().isAfter(to)) {
                    continue; // the range scan compares ISO-8601 text; a fractional bound can let one window too many in
                }
                windows.add(new UsageWindow(key.meter(), key.model(), key.window().start(), key.window().end(),
                        entry.value));
            }
        }
        return windows;
    }

    private ReadOnlyKeyValueStore<String, Long> store() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            throw new InvalidStateStoreException("Kafka Streams has not started");
        }
        return kafkaStreams.store(StoreQueryParameters.fromNameAndType(UsageTopology.STORE,
                QueryableStoreTypes.keyValueStore()));
    }
}
