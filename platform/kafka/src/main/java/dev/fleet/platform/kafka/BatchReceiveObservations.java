package dev.fleet.platform.kafka;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation.DefaultKafkaListenerObservationConvention;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The consumer spans spring-kafka 3.3 does not record for batch listeners: one observation per
 * record of a batch (spring-kafka's own listener observation, so the same span name, tags and
 * {@code traceparent} extraction as a record listener's), started when the batch is handed to the
 * listener and stopped when the listener returned or threw. So a record that the audit or the
 * embedding worker consumes in a batch shows in its trace, as the child of its producer span.
 * <p>
 * <p>
 * Limits: every span of a batch lasts as long as the whole batch; the listener id tag is the
 * consumer group. The open observations are kept per consumer thread, which handles one batch at a
 * time.
 */
final class BatchReceiveObservations implements BatchInterceptor<String, SpecificRecord> {

    private final ObservationRegistry registry;
    private final ThreadLocal<List<Observation>> open = ThreadLocal.withInitial(ArrayList::new);

    BatchReceiveObservations(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ConsumerRecords<String, SpecificRecord> intercept(ConsumerRecords<String, SpecificRecord> records,
            Consumer<String, SpecificRecord> consumer) {
        if (registry.isNoop()) {
            return records;
        }
        List<Observation> observations = open.get();
        stop(observations, null); // a batch the container ended without success or failure
        String group = consumer.groupMetadata().groupId();
        for (ConsumerRecord<String, SpecificRecord> record : records) {
            observations.add(KafkaListenerObservation.LISTENER_OBSERVATION.observation(null,
                    DefaultKafkaListenerObservationConvention.INSTANCE,
                    () -> new KafkaRecordReceiverContext(record, group, () -> null), registry).start());
        }
        return records;
    }

    @Override
    public void success(ConsumerRecords<String, SpecificRecord> records, Consumer<String, SpecificRecord> consumer) {
        stop(open.get(), null);
    }

    @Override
    public void failure(ConsumerRecords<String, SpecificRecord> records, Exception exception,
            Consumer<String, SpecificRecord> consumer) {
        stop(open.get(), exception);
    }

    private static void stop(List<Observation> observations, Exception exception) {
        for (Observation observation : observations) {
            if (exception != null) {
                observation.error(exception);
            }
            observation.stop();
        }
        observations.clear();
    }
}
