package dev.fleet.scorer.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ItemVector;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.scorer.domain.VectorIndex;

class ItemVectorRecordsTest {

    private static final int PARTITIONS = 6;

    private final VectorIndex index = new VectorIndex();
    private final ItemVectorRecords records = new ItemVectorRecords(index, PARTITIONS);

    @Test
    void indexesAnItemVectorAndRemovesItOnATombstone() {
        // when
        records.apply("t1/docs/a/1", home("t1", "docs"), vector("t1", "docs", "a/1"));

        // then
        assertThat(index.size("t1", "docs")).isEqualTo(1);

        // when
        records.apply("t1/docs/a/1", home("t1", "docs"), null);

        // then
        assertThat(index.size("t1", "docs")).isZero();
    }

    @Test
    void refusesAVectorWhoseKeyNamesAnotherTenantsItem() {
        assertThatThrownBy(() -> records.apply("t2/docs/a", home("t2", "docs"), vector("t1", "docs", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
        assertThat(index.size("t1", "docs")).isZero();
        assertThat(index.size("t2", "docs")).isZero();
    }

    @Test
    void refusesAVectorOnAnotherPartitionThanItsCollections() {
        int elsewhere = (home("t1", "docs") + 1) % PARTITIONS;

        assertThatThrownBy(() -> records.apply("t1/docs/a", elsewhere, vector("t1", "docs", "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its collection's partition is " + home("t1", "docs"));
        assertThat(index.size("t1", "docs")).isZero();
    }

    @Test
    void refusesAnUnparseableKey() {
        assertThatThrownBy(() -> records.apply("no-slashes", 0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int home(String tenant, String collection) {
        return CollectionPartition.of(tenant, collection, PARTITIONS);
    }

    private static ItemVector vector(String tenant, String collection, String itemId) {
        return ItemVector.newBuilder().setTenantId(tenant).setCollection(collection).setItemId(itemId)
                .setModel("all-minilm-l6-v2").setVector(List.of(1f, 0f)).setText("text").setMetadata(Map.of()).build();
    }
}
