package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.gateway.domain.ItemUpsert;
import dev.fleet.platform.web.ApiErrorException;

/**
 * Request bodies and path rules of the collection endpoints. Collection names and item ids are
 * restricted so that they stay unambiguous in the {@code tenantId/collection/itemId} topic key.
 */
public final class CollectionRequests {

    static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final Pattern ITEM_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    static final int MAX_ITEMS = 500;
    static final int DEFAULT_TOP_K = 3;
    static final int MAX_TOP_K = 50;

    private CollectionRequests() {
    }

    /** The body of {@code POST /v1/collections/{collection}/items}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UpsertItems(List<Item> items) {

        /** @throws ApiErrorException 400 when the items are invalid or a text is over {@code limits} */
        public List<ItemUpsert> validated(RequestLimits limits) {
            if (items == null || items.isEmpty() || items.size() > MAX_ITEMS) {
                throw RequestMetadata.invalid("items must hold 1 to " + MAX_ITEMS + " items", "items");
            }
            List<ItemUpsert> result = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                String param = "items[" + i + "]";
                if (item == null) {
                    throw RequestMetadata.invalid(param + " must be an object", param);
                }
                itemId(item.id(), param + ".id");
                if (item.text() == null || item.text().isBlank()) {
                    throw RequestMetadata.invalid(param + ".text must not be blank", param + ".text");
                }
                if (item.text().length() > limits.maxItemChars()) {
                    throw RequestMetadata.invalid(param + ".text is longer than " + limits.maxItemChars()
                            + " characters", param + ".text");
                }
                result.add(new ItemUpsert(item.id(), item.text(),
                        RequestMetadata.ITEM.toStrings(item.metadata(), param + ".metadata")));
            }
            return result;
        }
    }

    /** One item to upsert. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Item(String id, String text, Map<String, JsonNode> metadata) {
    }

    /** The body of {@code POST /v1/collections/{collection}/search}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Search(String query, @JsonProperty("top_k") Integer topK) {

        /** @throws ApiErrorException 400 when the query is blank or too long, or top_k out of range */
        public int validatedTopK(RequestLimits limits) {
            if (query == null || query.isBlank()) {
                throw RequestMetadata.invalid("query must not be blank", "query");
            }
            if (query.length() > limits.maxItemChars()) {
                throw RequestMetadata.invalid("query is longer than " + limits.maxItemChars() + " characters",
                        "query");
            }
            int k = topK == null ? DEFAULT_TOP_K : topK;
            if (k < 1 || k > MAX_TOP_K) {
                throw RequestMetadata.invalid("top_k must be between 1 and " + MAX_TOP_K, "top_k");
            }
            return k;
        }
    }

    /** @throws ApiErrorException 400 when {@code name} is not a valid collection name */
    static String collection(String name) {
        if (name == null || !COLLECTION.matcher(name).matches()) {
            throw RequestMetadata.invalid("collection must match " + COLLECTION.pattern(), "collection");
        }
        return name;
    }

    /** @throws ApiErrorException 400 when {@code id} is not a valid item id */
    static String itemId(String id, String param) {
        if (id == null || !ITEM_ID.matcher(id).matches()) {
            throw RequestMetadata.invalid(param + " must match " + ITEM_ID.pattern(), param);
        }
        return id;
    }
}
