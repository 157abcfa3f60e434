package dev.fleet.platform.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Exactly-once consume → produce for a listener that publishes the outputs of the records it consumed
 * (the standard Kafka pattern): the outputs and the consumed records' next offsets go to the broker in
 * one Kafka transaction of a transactional producer, so a consumer reading {@code read_committed}
 * sees the outputs of a record exactly once, however often the record is delivered: a process killed
 * before the commit leaves an aborted transaction (invisible) and an uncommitted offset (redelivered);
 * one killed after it leaves both committed. Every fleet consumer reads {@code read_committed}.
 * <p>
 * The listener container keeps its own commits and error handling (the fleet's one error policy, the
 * dead-letter path): it commits the same offsets again after the listener returned, which changes
 * nothing, and a record the listener reports as failed goes to {@code <topic>.dlq} as before.
 * <p>
 * Transactional ids are {@code <fleet.kafka.instance-id>-tx-<n>}: stable for a replica the launcher or a
 * StatefulSet names, so a restarted replica fences its killed predecessor and aborts its open
 * transaction at once; with a random instance id (the default) an orphaned transaction holds back
 * {@code read_committed} readers of its partitions until the broker aborts it
 * ({@code transaction.timeout.ms}, 60 s).
 * Limits: not thread-safe per call (one listener thread per call); a nested call fails.
 */
public class TransactionalOutputs {

    private final KafkaTemplate<String, SpecificRecord> template;
    private final FleetPublisher publisher;

    /** @param template a template over a transactional producer factory */
    public TransactionalOutputs(KafkaTemplate<String, SpecificRecord> template, String producedBy) {
        if (!template.isTransactional()) {
            throw new IllegalArgumentException("TransactionalOutputs needs a transactional producer factory");
        }
        this.template = template;
        this.publisher = new FleetPublisher(template, producedBy);
    }

    /**
     * Runs {@code outputs} in a new transaction, waits at most {@code timeout} for the broker to
     * acknowledge what it published, adds the offsets after {@code consumed} (read by {@code consumer},
     * whose group metadata fences zombies) and commits. Any failure aborts the transaction and is thrown.
     */
    public void publish(List<? extends ConsumerRecord<?, ?>> consumed, Consumer<?, ?> consumer, Duration timeout,
            java.util.function.Consumer<PendingSends> outputs) {
        template.executeInTransaction(operations -> {
            PendingSends sends = new PendingSends(publisher);
            outputs.accept(sends);
            sends.awaitAcknowledged(timeout);
            if (!consumed.isEmpty()) {
                operations.sendOffsetsToTransaction(nextOffsets(consumed), consumer.groupMetadata());
            }
            return null;
        });
    }

    /** The template this publishes through (for the platform's observation set-up). */
    KafkaTemplate<String, SpecificRecord> template() {
        return template;
    }

    /** Per partition, the offset after the last record of {@code consumed}: what a commit of them stores. */
    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<? extends ConsumerRecord<?, ?>> consumed) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<?, ?> record : consumed) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }
}
