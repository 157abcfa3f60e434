package dev.fleet.embedding.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.embedding.config.FleetEmbeddingProperties;
import dev.fleet.embedding.domain.EmbeddingBatcher;
import dev.fleet.embedding.domain.VectorizedItem;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ReindexState;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.platform.kafka.TopicRangeReader;
import dev.fleet.schemas.FleetTopics;

/**
 * Runs one reindex job (decision 0050): replays {@code fleet.items.v1} from its beginning with a group-less
 * reader ({@link TopicRangeReader}), keeps the last state of each item of the job's collection, embeds the
 * live ones in micro-batches with the current model and re-publishes their vectors (model id and version) to
 * {@code fleet.item-vectors.v1}, on the partition the live path uses. Progress goes to
 * {@code fleet.reindex.jobs.v1} under the job's key: RUNNING with items done / total after each batch (at most
 * every {@code progress-interval}), then DONE, or FAILED with the cause; a failure never escapes (the
 * listener and readiness are untouched).
 * <p>
 * An update of an item that arrives while the job runs is embedded by the live listener too; so that the
 * job's older vector cannot land after it, the job ends with a catch-up pass over the items written since
 * the job began, re-embedding their last state. What is left: an update written during that short pass
 * may still race it; the next update of the item, or another reindex, settles it. Deletions are not
 * replayed (the live path tombstoned them). A reindex records no usage: it is the fleet's model change,
 * not the tenant's request.
 * <p>
 * Limits: the collection's live items are held in memory during the job (text and metadata).
 */
public class CollectionReindexer {

    private static final Logger log = LoggerFactory.getLogger(CollectionReindexer.class);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(30);

    private final TopicRangeReader reader;
    private final FleetSerde serde;
    private final EmbeddingBatcher batcher;
    private final FleetPublisher publisher;
    private final FleetEmbeddingProperties properties;
    private final Clock clock;

    public CollectionReindexer(TopicRangeReader reader, FleetSerde serde, EmbeddingBatcher batcher,
            FleetPublisher publisher, FleetEmbeddingProperties properties, Clock clock) {
        this.reader = reader;
        this.serde = serde;
        this.batcher = batcher;
        this.publisher = publisher;
        this.properties = properties;
        this.clock = clock;
    }

    /** Runs {@code job} (REQUESTED) to DONE or FAILED; returns the last state written. */
    public ReindexJob run(ReindexJob job, Headers cause) {
        Instant began = clock.instant();
        Progress progress = new Progress(job, cause);
        try {
            progress.write(ReindexState.RUNNING, 0, 0, null);
            Map<String, ItemEvent> items = liveItems(job, Instant.EPOCH);
            progress.total = items.size();
            progress.write(ReindexState.RUNNING, 0, progress.total, null);
            reembed(items, job, cause, progress);
            Map<String, ItemEvent> changed = liveItems(job, began);
            reembed(changed, job, cause, null);
            log.info("reindex {} of {}/{}: {} items re-embedded with {} {} ({} again after the catch-up) in {} ms",
                    job.getJobId(), job.getTenantId(), job.getCollection(), progress.total, batcher.modelName(),
                    batcher.modelVersion(), changed.size(), Duration.between(began, clock.instant()).toMillis());
            return progress.write(ReindexState.DONE, progress.total, progress.total, null);
        } catch (RuntimeException e) {
            log.warn("reindex {} of {}/{} failed: {}", job.getJobId(), job.getTenantId(), job.getCollection(),
                    e.toString());
            try {
                return progress.write(ReindexState.FAILED, progress.done, progress.total,
                        Objects.requireNonNullElse(e.getMessage(), e.getClass().getName()));
            } catch (RuntimeException unreported) {
                log.warn("reindex {}: its failure could not be published either: {}", job.getJobId(),
                        unreported.toString());
                return job;
            }
        }
    }

    /** The last upsert of each item of the job's collection written from {@code since} on, in first-seen order. */
    private Map<String, ItemEvent> liveItems(ReindexJob job, Instant since) {
        Map<String, ItemEvent> items = new LinkedHashMap<>();
        String prefix = job.getTenantId() + "/" + job.getCollection() + "/";
        reader.read(FleetTopics.ITEMS, since, null, METADATA_WAIT, new TopicRangeReader.Visitor() {
            @Override
            public void accept(ConsumerRecord<byte[], byte[]> record) {
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                if (key == null || !key.startsWith(prefix)) {
                    return;
                }
                ItemEvent event = decode(record.value());
                if (event != null && event.getChange() instanceof ItemUpserted upserted && !upserted.getText().isBlank()
                        && prefix.equals(event.getTenantId() + "/" + event.getCollection() + "/")) {
                    items.remove(key); // keep the order of the last write
                    items.put(key, event);
                } else if (event != null || record.value() == null) {
                    items.remove(key); // deleted (or an upsert the live path dead-letters)
                }
            }
        });
        return items;
    }

    private ItemEvent decode(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return serde.deserialize(FleetTopics.ITEMS, value);
        } catch (RuntimeException e) {
            return null; // the live listener dead-letters it
        }
    }

    private void reembed(Map<String, ItemEvent> items, ReindexJob job, Headers cause, Progress progress) {
        List<ItemEvent> all = new ArrayList<>(items.values());
        int batch = properties.batchSize();
        for (int start = 0; start < all.size(); start += batch) {
            List<ItemEvent> upserts = all.subList(start, Math.min(all.size(), start + batch));
            PendingSends sends = new PendingSends(publisher);
            for (VectorizedItem item : batcher.vectorize(upserts)) {
                EventContext context = EventContext.derivedFrom(cause, job.getTenantId(),
                        "reindex/" + item.key() + "/" + item.vector().getModelVersion());
                sends.publish(FleetTopics.ITEM_VECTORS, ItemListener.partition(item.key()), item.key().toString(),
                        item.vector(), context);
            }
            sends.awaitAcknowledged(properties.publishTimeout());
            if (progress != null) {
                progress.advance(upserts.size());
            }
        }
    }

    /** The job's progress records, written at most every {@code progress-interval} while running. */
    private final class Progress {

        private final ReindexJob job;
        private final Headers cause;
        private long done;
        private long total;
        private Instant lastWritten = Instant.MIN;

        Progress(ReindexJob job, Headers cause) {
            this.job = job;
            this.cause = cause;
        }

        void advance(int items) {
            done += items;
            if (!clock.instant().isBefore(lastWritten.plus(properties.reindexProgressInterval()))) {
                write(ReindexState.RUNNING, done, total, null);
            }
        }

        ReindexJob write(ReindexState state, long itemsDone, long itemsTotal, String error) {
            Instant now = clock.instant();
            ReindexJob update = ReindexJob.newBuilder(job)
                    .setState(state)
                    .setModel(batcher.modelName())
                    .setModelVersion(batcher.modelVersion())
                    .setItemsDone(itemsDone)
                    .setItemsTotal(itemsTotal)
                    .setError(error)
                    .setUpdatedAt(now)
                    .build();
            PendingSends sends = new PendingSends(publisher);
            sends.publish(FleetTopics.REINDEX_JOBS, job.getJobId(), update,
                    EventContext.derivedFrom(cause, job.getTenantId(), "reindex-progress/" + state + "/" + itemsDone));
            sends.awaitAcknowledged(properties.publishTimeout());
            lastWritten = now;
            return update;
        }
    }
}
