package dev.fleet.scorer.messaging;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.fleet.events.v1.ItemVector;
import dev.fleet.platform.kafka.MirroredRecord;
import dev.fleet.platform.kafka.TopicMirror;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.schemas.ItemKey;
import dev.fleet.scorer.domain.VectorIndex;
import dev.fleet.schemas.FleetTopics;

/**
 * Materializes {@code fleet.item-vectors.v1} into the {@link VectorIndex}: from the beginning of the
 * compacted topic at every start, then following it. An {@code ItemVector} adds or replaces its item, a
 * tombstone removes the item of its key. A record whose key does not parse or names another item than
 * its value goes to the dead-letter topic (the platform's mirror does that for anything this handler
 * throws), so one bad producer cannot write into another tenant's collection.
 */
@Component
public class ItemVectorMirror {

    private static final Logger log = LoggerFactory.getLogger(ItemVectorMirror.class);

    private final VectorIndex index;
    private final TopicMirror<ItemVector> mirror;
    private volatile boolean loaded;

    public ItemVectorMirror(TopicMirrors mirrors, VectorIndex index) {
        this.index = index;
        this.mirror = mirrors.fromBeginning(FleetTopics.ITEM_VECTORS, this::apply);
    }

    void apply(MirroredRecord<ItemVector> record) {
        ItemKey key = ItemKey.parse(record.key());
        ItemVector vector = record.value();
        if (vector == null) {
            index.remove(key);
            return;
        }
        ItemKey named = new ItemKey(vector.getTenantId(), vector.getCollection(), vector.getItemId());
        if (!named.equals(key)) {
            throw new IllegalArgumentException("record key '" + key + "' does not match its item '" + named + "'");
        }
        index.upsert(key, vector.getVector(), vector.getText(), vector.getMetadata());
    }

    /**
     * Returns once the topic's records at start-up are in the index, or {@code timeout} passed (then
     * searches are answered from what is loaded so far). Waits only until the first return.
     */
    public void awaitLoaded(Duration timeout) {
        if (loaded) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!mirror.isCaughtUp() && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        if (!mirror.isCaughtUp()) {
            log.warn("item vectors not fully loaded after {}; answering searches from what is loaded", timeout);
        }
        loaded = true;
    }
}
