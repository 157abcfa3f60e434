package dev.fleet.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.gateway.domain.ItemUpsert;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

class EmbeddingAndCollectionRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RequestLimits LIMITS = RequestLimits.DEFAULTS;
    private static final ModelCatalog CATALOG = new ModelCatalog("all-minilm-l6-v2", List.of());

    @Test
    void shouldAcceptSingleStringOrArrayInput() throws Exception {
        assertThat(embedding("{\"model\":\"all-minilm-l6-v2\",\"input\":\"hello\"}").inputs(CATALOG, LIMITS))
                .containsExactly("hello");
        assertThat(embedding("{\"model\":\"all-minilm-l6-v2\",\"input\":[\"a\",\"b\"]}").inputs(CATALOG, LIMITS))
                .containsExactly("a", "b");
    }

    @Test
    void shouldRejectEmbeddingRequestForOtherModel() throws Exception {
        EmbeddingRequest request = embedding("{\"model\":\"extractive\",\"input\":\"hello\"}");

        ApiError error = rejection(() -> request.inputs(CATALOG, LIMITS));

        assertThat(error.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(error.code()).isEqualTo("model_not_found");
    }

    @Test
    void shouldRejectEmptyTokenOrOversizedInput() throws Exception {
        String tooMany = IntStream.range(0, 257).mapToObj(i -> "\"x\"").collect(Collectors.joining(",", "[", "]"));
        for (String input : List.of("[]", "\"\"", "[1,2,3]", "null", tooMany)) {
            EmbeddingRequest request = embedding("{\"model\":\"all-minilm-l6-v2\",\"input\":" + input + "}");
            ApiError error = rejection(() -> request.inputs(CATALOG, LIMITS));
            assertThat(error.status()).as(input).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(error.param()).isEqualTo("input");
        }
    }

    @Test
    void shouldRejectInputsOverThePerItemLimitAndControlCharactersInUser() throws Exception {
        EmbeddingRequest tooLong = embedding("{\"model\":\"all-minilm-l6-v2\",\"input\":[\"ok\",\""
                + "y".repeat(LIMITS.maxItemChars() + 1) + "\"]}");
        EmbeddingRequest badUser = embedding("{\"model\":\"all-minilm-l6-v2\",\"input\":\"a\","
                + "\"user\":\"x\\u0000\"}");

        assertThat(rejection(() -> tooLong.inputs(CATALOG, LIMITS)).param()).isEqualTo("input");
        assertThat(rejection(() -> badUser.inputs(CATALOG, LIMITS)).param()).isEqualTo("user");
    }

    @Test
    void shouldValidateItemsAndKeepTheirMetadata() throws Exception {
        CollectionRequests.UpsertItems body = JSON.readValue("""
                {"items":[{"id":"doc-1.v2:a","text":"Alpha","metadata":{"lang":"en","n":2}}]}""",
                CollectionRequests.UpsertItems.class);

        assertThat(body.validated(LIMITS)).containsExactly(new ItemUpsert("doc-1.v2:a", "Alpha",
                java.util.Map.of("lang", "en", "n", "2")));
    }

    @Test
    void shouldRejectInvalidItems() throws Exception {
        String tooMany = IntStream.range(0, 501).mapToObj(i -> "{\"id\":\"i" + i + "\",\"text\":\"t\"}")
                .collect(Collectors.joining(",", "{\"items\":[", "]}"));
        List<String> bodies = List.of("{\"items\":[]}", "{}", tooMany,
                "{\"items\":[{\"id\":\"a/b\",\"text\":\"t\"}]}",
                "{\"items\":[{\"id\":\"" + "x".repeat(129) + "\",\"text\":\"t\"}]}",
                "{\"items\":[{\"id\":\"a\",\"text\":\"  \"}]}");
        for (String json : bodies) {
            CollectionRequests.UpsertItems body = JSON.readValue(json, CollectionRequests.UpsertItems.class);
            assertThat(rejection(() -> body.validated(LIMITS)).status()).as(json).isEqualTo(HttpStatus.BAD_REQUEST);
        }
    }

    @Test
    void shouldRejectInvalidCollectionNames() {
        assertThat(CollectionRequests.collection("docs_2024-A")).isEqualTo("docs_2024-A");
        for (String name : List.of("", "a.b", "a b", "x".repeat(65))) {
            assertThat(rejection(() -> CollectionRequests.collection(name)).param()).as(name).isEqualTo("collection");
        }
    }

    @Test
    void shouldDefaultTopKToThreeAndBoundIt() throws Exception {
        assertThat(search("{\"query\":\"q\"}").validatedTopK(LIMITS)).isEqualTo(3);
        assertThat(search("{\"query\":\"q\",\"top_k\":50}").validatedTopK(LIMITS)).isEqualTo(50);
        for (String json : List.of("{\"query\":\"q\",\"top_k\":0}", "{\"query\":\"q\",\"top_k\":51}",
                "{\"query\":\" \"}")) {
            CollectionRequests.Search body = search(json);
            assertThat(rejection(() -> body.validatedTopK(LIMITS)).status()).as(json).isEqualTo(HttpStatus.BAD_REQUEST);
        }
    }

    private static CollectionRequests.Search search(String json) throws Exception {
        return JSON.readValue(json, CollectionRequests.Search.class);
    }

    private static EmbeddingRequest embedding(String json) throws Exception {
        return JSON.readValue(json, EmbeddingRequest.class);
    }

    private static ApiError rejection(ThrowingCallable call) {
        return catchThrowableOfType(call, ApiErrorException.class).error();
    }
}
