package dev.fleet.platform.kafka;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.listener.RetryListener;

/**
 * Which listener containers are waiting out a transient failure ({@link TransientFailures}) right
 * now: a consumer thread enters the set when a delivery fails transiently and leaves it when a
 * delivery succeeds (or a record is dead-lettered for a failure of its own). Fed by the fleet
 * error handler (as its {@link RetryListener}) and by the listener factories' interceptors;
 * {@link ListenerOutagesHealthIndicator} turns it into readiness. Keyed by consumer thread, so
 * one container's outage is not ended by another container's success.
 */
public class ListenerOutages implements RetryListener {

    private static final Logger log = LoggerFactory.getLogger(ListenerOutages.class);

    /** One consumer thread's ongoing outage. */
    public record Outage(Instant since, String cause, int attempts) {
    }

    private final Map<String, Outage> outages = new ConcurrentHashMap<>();
    private final Clock clock;

    public ListenerOutages(Clock clock) {
        this.clock = clock;
    }

    /** The ongoing outages by consumer thread name; empty when every listener is delivering. */
    public Map<String, Outage> current() {
        return Map.copyOf(outages);
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
        if (!TransientFailures.isTransient(ex)) {
            return;
        }
        String cause = FleetHeaders.rootCause(ex);
        Outage before = outages.get(thread());
        if (before == null) {
            log.warn("{}-{}@{} failed transiently, retrying with backoff until it passes: {}", record.topic(),
                    record.partition(), record.offset(), cause);
        }
        outages.put(thread(), new Outage(before == null ? clock.instant() : before.since(), cause,
                before == null ? 1 : before.attempts() + 1));
    }

    @Override
    public void recovered(ConsumerRecord<?, ?> record, Exception ex) {
        ended();
    }

    /** Ends the calling consumer thread's outage: its listener just processed a delivery. */
    void ended() {
        Outage outage = outages.remove(thread());
        if (outage != null) {
            log.info("delivering again after {} transient failures since {}", outage.attempts(), outage.since());
        }
    }

    /** Ends a record listener's outage when a record is processed. */
    RecordInterceptor<String, SpecificRecord> recordInterceptor() {
        return new RecordInterceptor<>() {
            @Override
            public ConsumerRecord<String, SpecificRecord> intercept(ConsumerRecord<String, SpecificRecord> record,
                    Consumer<String, SpecificRecord> consumer) {
                return record;
            }

            @Override
            public void success(ConsumerRecord<String, SpecificRecord> record,
                    Consumer<String, SpecificRecord> consumer) {
                ended();
            }
        };
    }

    /** Ends a batch listener's outage when a batch is processed. */
    BatchInterceptor<String, SpecificRecord> batchInterceptor() {
        return new BatchInterceptor<>() {
            @Override
            public ConsumerRecords<String, SpecificRecord> intercept(ConsumerRecords<String, SpecificRecord> records,
                    Consumer<String, SpecificRecord> consumer) {
                return records;
            }

            @Override
            public void success(ConsumerRecords<String, SpecificRecord> records,
                    Consumer<String, SpecificRecord> consumer) {
                ended();
            }
        };
    }

    private static String thread() {
        return Thread.currentThread().getName();
    }
}
