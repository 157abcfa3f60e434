package dev.fleet.scorer.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.scorer.domain.VectorIndex;

/** {@code fleet.item-vectors.v1} into the {@link VectorIndex} (decision 0034). */
class ItemVectorFeed implements ShardFeed {

    private static final Logger log = LoggerFactory.getLogger(ItemVectorFeed.class);

    private final FleetSerde serde;
    private final VectorIndex index;
    private final ItemVectorRecords records;
    private final int partitions = FleetTopics.ITEM_VECTORS.partitions();

    ItemVectorFeed(FleetSerde serde, VectorIndex index) {
        this.serde = serde;
        this.index = index;
        this.records = new ItemVectorRecords(index, partitions);
    }

    @Override
    public Topic<?> topic() {
        return FleetTopics.ITEM_VECTORS;
    }

    @Override
    public void apply(ConsumerRecord<byte[], byte[]> raw) {
        String key = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
        records.apply(key, raw.partition(), serde.deserialize(FleetTopics.ITEM_VECTORS, raw.value()));
    }

    @Override
    public void drop(Set<Integer> gone) {
        int dropped = index.removeCollections((tenant, collection) ->
                gone.contains(CollectionPartition.of(tenant, collection, partitions)));
        if (dropped > 0) {
            log.info("dropped {} items of item-vectors partitions {}", dropped, gone);
        }
    }
}
