package dev.fleet.embedding.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemUpserted;

class EmbeddingBatcherTest {

    private final RecordingEmbedder model = new RecordingEmbedder();
    private final EmbeddingBatcher batcher = new EmbeddingBatcher(model, 3);

    @Test
    void embedsAllInputsOfAllRequestsInOneCallAndSplitsThemBack() {
        // given
        List<EmbeddingRequested> requests = List.of(
                request("r1", "all-minilm-l6-v2", "a", "bb"),
                request("r2", "all-minilm-l6-v2", "ccc"),
                request("r3", "all-minilm-l6-v2", "dddd", "two words", "eeeeee"));

        // when
        List<EmbeddingResult> results = batcher.answer(requests);

        // then
        assertThat(model.calls).containsExactly(List.of("a", "bb", "ccc", "dddd", "two words", "eeeeee"));
        assertThat(results).extracting(EmbeddingResult::getRequestId).containsExactly("r1", "r2", "r3");
        assertThat(results.get(0).getVectors()).extracting(EmbeddingVector::getIndex).containsExactly(0, 1);
        assertThat(results.get(0).getVectors()).extracting(EmbeddingVector::getValues)
                .containsExactly(List.of(1f, 0f), List.of(2f, 1f));
        assertThat(results.get(1).getVectors()).extracting(EmbeddingVector::getValues)
                .containsExactly(List.of(3f, 2f));
        assertThat(results.get(2).getVectors()).extracting(EmbeddingVector::getIndex).containsExactly(0, 1, 2);
        assertThat(results.get(2).getVectors()).extracting(EmbeddingVector::getValues)
                .containsExactly(List.of(4f, 3f), List.of(9f, 4f), List.of(6f, 5f));
        assertThat(results).extracting(EmbeddingResult::getPromptTokens).containsExactly(2, 1, 4);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.getError()).isNull();
            assertThat(r.getModel()).isEqualTo("all-minilm-l6-v2");
        });
    }

    @Test
    void answersAnUnknownModelWithModelNotFoundAndStillServesTheOthers() {
        // given
        List<EmbeddingRequested> requests = List.of(
                request("bad", "text-embedding-3-small", "a"),
                request("good", "ALL-MINILM-L6-V2", "b"));

        // when
        List<EmbeddingResult> results = batcher.answer(requests);

        // then
        assertThat(model.calls).containsExactly(List.of("b"));
        assertThat(results.get(0).getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
        assertThat(results.get(0).getError().getCode()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
        assertThat(results.get(0).getVectors()).isEmpty();
        assertThat(results.get(0).getPromptTokens()).isZero();
        assertThat(results.get(1).getError()).isNull();
        assertThat(results.get(1).getVectors()).hasSize(1);
    }

    @Test
    void rejectsEmptyBlankAndTooManyInputsAsInvalidRequests() {
        // given
        List<EmbeddingRequested> requests = List.of(
                request("empty", "all-minilm-l6-v2"),
                request("blank", "all-minilm-l6-v2", "ok", "  "),
                request("many", "all-minilm-l6-v2", "a", "b", "c", "d"));

        // when
        List<EmbeddingResult> results = batcher.answer(requests);

        // then
        assertThat(results).allSatisfy(r -> {
            assertThat(r.getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
            assertThat(r.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(r.getVectors()).isEmpty();
        });
        assertThat(results.get(1).getError().getMessage()).contains("input[1]");
        assertThat(model.calls).allSatisfy(call -> assertThat(call).isEmpty());
    }

    @Test
    void vectorizesUpsertsInOrderWithTheirKeysTextsAndTokens() {
        // given
        List<ItemEvent> upserts = List.of(
                item("t1", "docs", "a/1", new ItemUpserted("first text", Map.of("lang", "en"))),
                item("t1", "docs", "b", new ItemUpserted("second", Map.of())));

        // when
        List<VectorizedItem> items = batcher.vectorize(upserts);

        // then
        assertThat(model.calls).containsExactly(List.of("first text", "second"));
        assertThat(items).extracting(item -> item.key().toString()).containsExactly("t1/docs/a/1", "t1/docs/b");
        assertThat(items.get(0).vector().getVector()).containsExactly(10f, 0f);
        assertThat(items.get(0).vector().getText()).isEqualTo("first text");
        assertThat(items.get(0).vector().getMetadata()).containsEntry("lang", "en");
        assertThat(items.get(0).vector().getModel()).isEqualTo("all-minilm-l6-v2");
        assertThat(items).allSatisfy(item -> assertThat(item.vector().getModelVersion()).isEqualTo("test-1"));
        assertThat(items.get(0).vector().getItemId()).isEqualTo("a/1");
        assertThat(items).extracting(VectorizedItem::tokens).containsExactly(2, 1);
    }

    @Test
    void refusesItemsWithBlankTextsOrUnparseableIds() {
        assertThatThrownBy(() -> EmbeddingBatcher.checkItem(item("t1", "docs", "x", new ItemUpserted(" ", Map.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> EmbeddingBatcher.checkItem(item("t1", "a/b", "x", new ItemDeleted())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("collection");
        EmbeddingBatcher.checkItem(item("t1", "docs", "x/y", new ItemDeleted()));
    }

    private static EmbeddingRequested request(String id, String model, String... inputs) {
        return EmbeddingRequested.newBuilder().setRequestId(id).setTenantId("t1").setModel(model)
                .setInputs(List.of(inputs)).setReplyTo("gateway-1").setRequestedAt(Instant.EPOCH).build();
    }

    private static ItemEvent item(String tenant, String collection, String itemId, Object change) {
        return ItemEvent.newBuilder().setTenantId(tenant).setCollection(collection).setItemId(itemId)
                .setChange(change).setOccurredAt(Instant.EPOCH).build();
    }
}
