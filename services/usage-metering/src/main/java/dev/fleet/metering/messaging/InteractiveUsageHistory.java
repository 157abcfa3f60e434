package dev.fleet.metering.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

import dev.fleet.events.v1.Meter;
import dev.fleet.metering.domain.UsageHistory;
import dev.fleet.metering.domain.UsageNotQueryableException;
import dev.fleet.metering.domain.UsageWindow;

/**
 * Reads usage windows from this instance's {@link UsageTopology#STORE} with Kafka Streams
 * interactive queries.
 *
 * <p>Limit: an instance holds only the state of the partitions assigned to it, so with more than
 * one replica a tenant's usage is answered only by the replica that owns the tenant's partition;
 * the others answer with nothing. Routing a query to the owner ({@code queryMetadataForKey} plus
 * {@code application.server}) or reading {@code fleet.usage.rollups.v1} instead is the way out.
 */
public class InteractiveUsageHistory implements UsageHistory {

    private final StreamsBuilderFactoryBean streams;

    public InteractiveUsageHistory(StreamsBuilderFactoryBean streams) {
        this.streams = streams;
    }

    @Override
    public List<UsageWindow> windows(String tenantId, Instant from, Instant to) {
        try {
            return windows(store(), tenantId, from, to);
        } catch (InvalidStateStoreException e) {
            throw new UsageNotQueryableException("usage state is not queryable yet: " + e.getMessage(), e);
        }
    }

    /** The windows of {@code tenantId} that started in {@code [from, to]}, read from {@code store}. */
    static List<UsageWindow> windows(ReadOnlyWindowStore<String, Long> store, String tenantId, Instant from,
            Instant to) {
        List<UsageWindow> windows = new ArrayList<>();
        for (Meter meter : Meter.values()) {
            try (WindowStoreIterator<Long> found = store.fetch(new MeterKey(tenantId, meter).storeKey(), from, to)) {
                while (found.hasNext()) {
                    KeyValue<Long, Long> window = found.next();
                    Instant start = Instant.ofEpochMilli(window.key);
                    windows.add(new UsageWindow(meter, start, start.plus(UsageTopology.WINDOW), window.value));
                }
            }
        }
        return windows;
    }

    private ReadOnlyWindowStore<String, Long> store() {
        KafkaStreams kafkaStreams = streams.getKafkaStreams();
        if (kafkaStreams == null) {
            throw new InvalidStateStoreException("Kafka Streams has not started");
        }
        return kafkaStreams.store(StoreQueryParameters.fromNameAndType(UsageTopology.STORE,
                QueryableStoreTypes.windowStore()));
    }
}
