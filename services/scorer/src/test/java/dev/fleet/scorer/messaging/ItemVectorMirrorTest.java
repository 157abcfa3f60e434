package dev.fleet.scorer.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ItemVector;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.MirroredRecord;
import dev.fleet.platform.kafka.TopicMirrors;
import dev.fleet.scorer.domain.VectorIndex;

class ItemVectorMirrorTest {

    private final VectorIndex index = new VectorIndex();
    private final ItemVectorMirror mirror = new ItemVectorMirror(
            new TopicMirrors(Map.of(), new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog()), null), index);

    @Test
    void indexesAnItemVectorAndRemovesItOnATombstone() {
        // when
        mirror.apply(record("t1/docs/a/1", vector("t1", "docs", "a/1")));

        // then
        assertThat(index.size("t1", "docs")).isEqualTo(1);

        // when
        mirror.apply(record("t1/docs/a/1", null));

        // then
        assertThat(index.size("t1", "docs")).isZero();
    }

    @Test
    void refusesAVectorWhoseKeyNamesAnotherTenantsItem() {
        assertThatThrownBy(() -> mirror.apply(record("t2/docs/a", vector("t1", "docs", "a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
        assertThat(index.size("t1", "docs")).isZero();
        assertThat(index.size("t2", "docs")).isZero();
    }

    @Test
    void refusesAnUnparseableKey() {
        assertThatThrownBy(() -> mirror.apply(record("no-slashes", null))).isInstanceOf(IllegalArgumentException.class);
    }

    private static MirroredRecord<ItemVector> record(String key, ItemVector value) {
        return new MirroredRecord<>(key, value, new RecordHeaders(), 0, 0);
    }

    private static ItemVector vector(String tenant, String collection, String itemId) {
        return ItemVector.newBuilder().setTenantId(tenant).setCollection(collection).setItemId(itemId)
                .setModel("all-minilm-l6-v2").setVector(List.of(1f, 0f)).setText("text").setMetadata(Map.of()).build();
    }
}
