package dev.fleet.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.SendResult;

import dev.fleet.schemas.Topic;

/**
 * The fleet's one dead-letter convention: a record that cannot be decoded or processed goes,
 * with its original key and value bytes and headers, to {@code <topic>.dlq} (same partition),
 * with Spring Kafka's {@code kafka_dlt-*} error headers and {@link FleetHeaders#ERROR} (the root cause) added. Used by the listener containers'
 * error handler and by the hand-driven consumers ({@link TopicMirror}, Kafka Streams).
 */
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaOperations<Object, Object> template;

    public DeadLetters(KafkaOperations<Object, Object> template) {
        this.template = template;
    }

    /** Where a failed record of {@code record.topic()} goes. */
    public static TopicPartition destination(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic() + Topic.DLQ_SUFFIX, Math.max(record.partition(), 0));
    }

    /** Publishes the raw record to its dead-letter topic and waits for the broker's acknowledgement. */
    public void send(ConsumerRecord<byte[], byte[]> record, Exception cause) {
        TopicPartition dlq = destination(record);
        ProducerRecord<Object, Object> out = new ProducerRecord<>(dlq.topic(), dlq.partition(), record.key(),
                record.value());
        for (Header header : record.headers()) {
            out.headers().add(header);
        }
        addErrorHeaders(out.headers(), record.topic(), record.partition(), record.offset(), cause);
        log.warn("dead-lettering {}-{}@{} to {}: {}", record.topic(), record.partition(), record.offset(),
                dlq.topic(), cause.toString());
        CompletableFuture<SendResult<Object, Object>> sent = template.send(out);
        sent.join();
    }

    /**
     * {@link #send}, for a loop that must go on whatever happens: a record that cannot be
     * dead-lettered either is logged (topic, partition, offset) and skipped.
     */
    public void sendOrSkip(ConsumerRecord<byte[], byte[]> record, Exception cause) {
        try {
            send(record, cause);
        } catch (RuntimeException dlqFailure) {
            log.error("cannot dead-letter {}-{}@{}; skipping it", record.topic(), record.partition(), record.offset(),
                    dlqFailure);
        }
    }

    /**
     * Adds the dead-letter error headers to {@code headers}: for a topology that writes its dead letters
     * itself, inside its exactly-once transaction (the scorer's transactions).
     */
    public static void addErrorHeaders(Headers headers, String topic, int partition, long offset, Exception cause) {
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, utf8(topic));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, utf8(Integer.toString(partition)));
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, utf8(Long.toString(offset)));
        headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, utf8(cause.getClass().getName()));
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, utf8(String.valueOf(cause.getMessage())));
        headers.add(FleetHeaders.ERROR, utf8(FleetHeaders.rootCause(cause)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
