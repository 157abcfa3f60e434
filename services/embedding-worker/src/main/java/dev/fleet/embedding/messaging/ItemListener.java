package dev.fleet.embedding.messaging;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.stereotype.Component;

import dev.fleet.embedding.config.FleetEmbeddingProperties;
import dev.fleet.embedding.domain.EmbeddingBatcher;
import dev.fleet.embedding.domain.VectorizedItem;
import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.events.v1.Meter;
import dev.fleet.platform.kafka.DecodeFailures;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.platform.kafka.TransactionalOutputs;
import dev.fleet.platform.kafka.TransientFailures;
import dev.fleet.platform.kafka.UsageRecorder;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.ItemKey;

/**
 * Keeps {@code fleet.item-vectors.v1} in step with {@code fleet.items.v1}: the texts of all upserts of
 * one poll are embedded in one model call and published as {@code ItemVector}s; a deletion (an
 * {@code ItemDeleted}, or a tombstone on the items topic) becomes a tombstone. Outputs are keyed
 * {@code tenantId/collection/itemId} and sent in input order, so an upsert and a later delete of the
 * same item in one batch end as a delete. Each upsert also records its tokens as usage. The outputs
 * of a batch are published in one Kafka transaction with its offsets ({@link TransactionalOutputs}).
 * <p>
 * A record that cannot be processed (undecodable, a key that does not parse, a blank text) stops the
 * batch there: the records before it are processed and committed, it is reported by index (the
 * platform's error handler dead-letters it), and the records after it are redelivered.
 * <p>
 * A transient failure ({@link TransientFailures}: the broker does not acknowledge the outputs within
 * {@code fleet.embedding.publish-timeout}, a metadata or request timeout) is reported at the
 * batch's first record, so the platform retries the whole batch with backoff, the consumer paused,
 * for as long as the failure lasts, and never dead-letters it. Outputs that did reach the broker
 * before belong to the aborted transaction: no {@code read_committed} reader ever sees them.
 */
@Component
public class ItemListener {

    private final EmbeddingBatcher batcher;
    private final TransactionalOutputs outputs;
    private final FleetEmbeddingProperties properties;
    private final UsageRecorder usage;

    public ItemListener(EmbeddingBatcher batcher, TransactionalOutputs outputs,
            FleetEmbeddingProperties properties, UsageRecorder usage) {
        this.batcher = batcher;
        this.outputs = outputs;
        this.properties = properties;
        this.usage = usage;
    }

    @KafkaListener(id = "items", idIsGroup = false,
            topics = "#{T(dev.fleet.schemas.FleetTopics).ITEMS.name()}",
            containerFactory = "fleetBatchListenerFactory",
            properties = "max.poll.records=${fleet.embedding.batch-size}")
    public void on(List<ConsumerRecord<String, ItemEvent>> records, Consumer<?, ?> consumer) {
        RuntimeException problem = null;
        int processable = 0;
        for (; processable < records.size(); processable++) {
            problem = problemWith(records.get(processable));
            if (problem != null) {
                break;
            }
        }
        if (processable > 0) {
            try {
                process(records.subList(0, processable), consumer);
            } catch (RuntimeException e) {
                if (!TransientFailures.isTransient(e)) {
                    throw e;
                }
                ConsumerRecord<String, ItemEvent> first = records.get(0);
                throw new BatchListenerFailedException("item batch from " + first.topic() + "-" + first.partition()
                        + "@" + first.offset() + " failed transiently, to be retried: " + e.getMessage(), e, 0);
            }
        }
        if (problem != null) {
            ConsumerRecord<String, ItemEvent> failed = records.get(processable);
            throw new BatchListenerFailedException("cannot process item record " + failed.topic() + "-"
                    + failed.partition() + "@" + failed.offset() + ": " + problem.getMessage(), problem, processable);
        }
    }

    /** The item-vectors partition of the item's collection: co-partitioned with its searches (decision 0034). */
    static int partition(ItemKey key) {
        return CollectionPartition.of(key, FleetTopics.ITEM_VECTORS.partitions());
    }

    private void process(List<ConsumerRecord<String, ItemEvent>> records, Consumer<?, ?> consumer) {
        List<ItemEvent> upserts = new ArrayList<>();
        for (ConsumerRecord<String, ItemEvent> record : records) {
            if (record.value() != null && record.value().getChange() instanceof ItemUpserted) {
                upserts.add(record.value());
            }
        }
        Iterator<VectorizedItem> vectors = batcher.vectorize(upserts).iterator();
        outputs.publish(records, consumer, properties.publishTimeout(), sends -> send(records, vectors, sends));
    }

    private void send(List<ConsumerRecord<String, ItemEvent>> records, Iterator<VectorizedItem> vectors,
            PendingSends sends) {
        for (ConsumerRecord<String, ItemEvent> record : records) {
            ItemEvent event = record.value();
            if (event == null) {
                ItemKey key = ItemKey.parse(record.key());
                sends.tombstone(FleetTopics.ITEM_VECTORS, partition(key), key.toString(),
                        EventContext.causedBy(record.headers(), key.tenantId()));
                continue;
            }
            EventContext context = EventContext.causedBy(record.headers(), event.getTenantId());
            Object change = event.getChange();
            if (change instanceof ItemUpserted) {
                VectorizedItem item = vectors.next();
                sends.publish(FleetTopics.ITEM_VECTORS, partition(item.key()), item.key().toString(), item.vector(),
                        context);
                usage.publish(sends, record.headers(), event.getTenantId(), Meter.EMBEDDING_TOKENS, item.tokens(),
                        item.vector().getModel());
            } else if (change instanceof ItemDeleted) {
                ItemKey key = ItemKey.of(event);
                sends.tombstone(FleetTopics.ITEM_VECTORS, partition(key), key.toString(), context);
            } else {
                throw new IllegalStateException("unknown item change " + change.getClass().getName());
            }
        }
    }

    /** Why a record cannot be processed, or null. */
    private static RuntimeException problemWith(ConsumerRecord<String, ItemEvent> record) {
        if (record.value() == null) {
            Optional<DeserializationException> undecodable = DecodeFailures.of(record);
            if (undecodable.isPresent()) {
                return undecodable.get();
            }
        }
        try {
            if (record.value() != null) {
                EmbeddingBatcher.checkItem(record.value());
            } else {
                ItemKey.parse(record.key()); // a tombstone on the items topic deletes the item
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e;
        }
    }
}
