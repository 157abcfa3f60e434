package dev.fleet.embedding.messaging;

import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import dev.fleet.embedding.config.FleetEmbeddingProperties;
import dev.fleet.embedding.domain.EmbeddingBatcher;
import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.Meter;
import dev.fleet.platform.kafka.DecodeFailures;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.platform.kafka.TransactionalOutputs;
import dev.fleet.platform.kafka.UsageRecorder;
import dev.fleet.schemas.FleetTopics;

/**
 * Answers embedding requests in micro-batches: all inputs of all requests of one poll go to the model
 * in one call; each request gets its {@code EmbeddingResult} (keyed by request id, on the partition
 * the requester reads when it named one: {@code replyPartition}) and, when it
 * succeeded, a {@code UsageRecorded} of its tokens.
 * <p>
 * The replies and usage of the records answered are published in one Kafka transaction with their
 * offsets ({@link TransactionalOutputs}): a request redelivered after a crash was either answered
 * (committed) or not at all (aborted), so its usage is on {@code fleet.usage.v1} exactly once.
 * <p>
 * A record that failed to decode stops the batch there: the records before it are answered and
 * committed, it is reported by index (the platform's error handler dead-letters it), and the records
 * after it are redelivered.
 */
@Component
public class EmbeddingRequestListener {

    private final EmbeddingBatcher batcher;
    private final TransactionalOutputs outputs;
    private final FleetEmbeddingProperties properties;
    private final UsageRecorder usage;

    public EmbeddingRequestListener(EmbeddingBatcher batcher, TransactionalOutputs outputs,
            FleetEmbeddingProperties properties, UsageRecorder usage) {
        this.batcher = batcher;
        this.outputs = outputs;
        this.properties = properties;
        this.usage = usage;
    }

    @KafkaListener(id = "embedding-requests", idIsGroup = false,
            topics = "#{T(dev.fleet.schemas.FleetTopics).EMBEDDING_REQUESTS.name()}",
            containerFactory = "fleetBatchListenerFactory",
            properties = "max.poll.records=${fleet.embedding.batch-size}")
    public void on(List<ConsumerRecord<String, EmbeddingRequested>> records, Consumer<?, ?> consumer) {
        int undecodable = firstUndecodable(records);
        List<ConsumerRecord<String, EmbeddingRequested>> decoded = records.subList(0, undecodable);
        if (!decoded.isEmpty()) {
            answer(decoded, consumer);
        }
        if (undecodable < records.size()) {
            ConsumerRecord<String, EmbeddingRequested> poison = records.get(undecodable);
            Exception cause = DecodeFailures.of(poison).map(Exception.class::cast)
                    .orElseGet(() -> new IllegalArgumentException("null value"));
            throw new BatchListenerFailedException("undecodable embedding request " + poison.topic() + "-"
                    + poison.partition() + "@" + poison.offset(), cause, undecodable);
        }
    }

    private void answer(List<ConsumerRecord<String, EmbeddingRequested>> records, Consumer<?, ?> consumer) {
        List<EmbeddingResult> results = batcher.answer(records.stream().map(ConsumerRecord::value).toList());
        outputs.publish(records, consumer, properties.publishTimeout(), sends -> send(records, results, sends));
    }

    private void send(List<ConsumerRecord<String, EmbeddingRequested>> records, List<EmbeddingResult> results,
            PendingSends sends) {
        for (int i = 0; i < records.size(); i++) {
            EmbeddingRequested request = records.get(i).value();
            EmbeddingResult result = results.get(i);
            EventContext context = EventContext.causedBy(records.get(i).headers(), request.getTenantId());
            sends.publish(FleetTopics.EMBEDDING_REPLIES, request.getReplyPartition(), result.getRequestId(), result,
                    context);
            if (result.getError() == null) {
                usage.publish(sends, records.get(i).headers(), request.getTenantId(), Meter.EMBEDDING_TOKENS,
                        result.getPromptTokens(), result.getModel());
            }
        }
    }

    private static int firstUndecodable(List<? extends ConsumerRecord<?, ?>> records) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).value() == null) {
                return i;
            }
        }
        return records.size();
    }
}
