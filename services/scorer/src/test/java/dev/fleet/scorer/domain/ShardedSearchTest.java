package dev.fleet.scorer.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.ItemKey;

class ShardedSearchTest {

    private static final int PARTITIONS = FleetTopics.ITEM_VECTORS.partitions();

    private final VectorIndex index = new VectorIndex();
    private final ShardStates states = new ShardStates();
    private final ShardedSearch search = new ShardedSearch(new CollectionSearch(index, 100), states, PARTITIONS,
            Duration.ofMillis(200));

    @Test
    void placesACollectionWhereKafkasDefaultPartitionerPutsItsTenantAndCollectionKey() {
        for (int i = 0; i < 1_000; i++) {
            String tenant = "tenant-" + i;
            String collection = "c" + (i * 7) + "é";
            byte[] key = (tenant + "/" + collection).getBytes(StandardCharsets.UTF_8);
            assertThat(CollectionPartition.of(tenant, collection, PARTITIONS))
                    .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % PARTITIONS);
        }
        // searches and vectors of one collection share a partition number only if the topics agree on the count
        assertThat(FleetTopics.SCORE_REQUESTS.partitions()).isEqualTo(FleetTopics.ITEM_VECTORS.partitions());
    }

    @Test
    void answersAfterWaitingForAPartitionThatFinishesItsRebuild() throws Exception {
        // given a partition being rebuilt
        ScoreRequested request = request("t1", "docs");
        int home = CollectionPartition.of("t1", "docs", PARTITIONS);
        index.upsert(new ItemKey("t1", "docs", "a"), new float[] {1, 0}, "a", Map.of());
        states.rebuilding(Set.of(home));

        // when the search starts before the rebuild finishes
        CompletableFuture<ScoreResult> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return new ShardedSearch(new CollectionSearch(index, 100), states, PARTITIONS, Duration.ofSeconds(10))
                        .answer(request, home);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(answer).isNotDone();
        states.ready(home);

        // then it waited and answered in full
        ScoreResult result = answer.get(10, TimeUnit.SECONDS);
        assertThat(result.getError()).isNull();
        assertThat(result.getItems()).extracting(ScoredItem::getItemId).containsExactly("a");
    }

    @Test
    void answersARetryableErrorNotPartialHitsWhileThePartitionIsStillRebuilding() throws Exception {
        // given a partition that is being rebuilt and already has some of its items
        int home = CollectionPartition.of("t1", "docs", PARTITIONS);
        index.upsert(new ItemKey("t1", "docs", "a"), new float[] {1, 0}, "a", Map.of());
        states.rebuilding(Set.of(home));

        // when
        ScoreResult result = search.answer(request("t1", "docs"), home);

        // then
        assertThat(result.getItems()).isEmpty();
        assertThat(result.getError().getType()).isEqualTo(ErrorType.SERVER_ERROR);
        assertThat(result.getError().getCode()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(result.getError().getMessage()).contains("rebuilt");
    }

    @Test
    void refusesASearchThatArrivedOnAnotherPartitionThanItsCollections() throws Exception {
        int home = CollectionPartition.of("t1", "docs", PARTITIONS);
        states.rebuilding(Set.of(0, 1, 2, 3, 4, 5));
        Set.of(0, 1, 2, 3, 4, 5).forEach(states::ready);

        ScoreResult result = search.answer(request("t1", "docs"), (home + 1) % PARTITIONS);

        assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(result.getError().getMessage()).contains("partition is " + home);
    }

    @Test
    void countsRebuildsAndForgetsDroppedPartitions() throws Exception {
        states.rebuilding(Set.of(1, 2));
        states.ready(1);
        assertThat(states.allReady()).isFalse();
        states.ready(2);
        states.dropped(Set.of(2));

        assertThat(states.allReady()).isTrue();
        assertThat(states.snapshot()).isEqualTo(Map.of(1, ShardStates.State.READY));
        assertThat(states.awaitReady(2, Duration.ofMillis(10))).isFalse();
        assertThat(states.rebuilds(1)).isEqualTo(1);
        assertThat(states.rebuilds(2)).isEqualTo(1);
    }

    private static ScoreRequested request(String tenant, String collection) {
        return ScoreRequested.newBuilder().setRequestId("r1").setTenantId(tenant).setCollection(collection)
                .setQueryVector(List.of(1f, 0f)).setTopK(5).setReplyTo("test").setRequestedAt(Instant.now())
                .build();
    }
}
