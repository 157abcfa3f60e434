package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    static final int MAX_EXAMPLES = 64;
    static final int MAX_FILTER_KEYS = 16;
    static final int MAX_FILTER_VALUES = 100;

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
    public record Search(String query, @JsonProperty("top_k") Integer topK, JsonNode filter) {

        /** @throws ApiErrorException 400 when the query is blank or too long, or top_k out of range */
        public int validatedTopK(RequestLimits limits) {
            if (query == null || query.isBlank()) {
                throw RequestMetadata.invalid("query must not be blank", "query");
            }
            if (query.length() > limits.maxItemChars()) {
                throw RequestMetadata.invalid("query is longer than " + limits.maxItemChars() + " characters",
                        "query");
            }
            return checkedTopK(topK);
        }

        /** @throws ApiErrorException 400 when the filter is malformed (see {@link #filter(JsonNode)}) */
        public Map<String, List<String>> validatedFilter() {
            return CollectionRequests.filter(filter);
        }
    }

    /**
     * The body of {@code POST /v1/collections/{collection}/recommend}: either item ids of the collection to find
     * more like ({@code positive}, at least one) and less like ({@code negative}), or a {@code user} to recommend
     * for from their interactions, optionally leaving out what they interacted with ({@code exclude_seen}); not
     * both (decision 0039).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Recommend(List<String> positive, List<String> negative, @JsonProperty("top_k") Integer topK,
            JsonNode filter, String user, @JsonProperty("exclude_seen") Boolean excludeSeen) {

        /** True for a recommendation for a user ({@code user} given). */
        public boolean forUser() {
            return user != null;
        }

        /**
         * The user, for a recommendation for a user.
         *
         * @throws ApiErrorException 400 when the user id is invalid or examples were given too
         */
        public String validatedUser() {
            InteractionRequests.validUser(user, "user");
            if ((positive != null && !positive.isEmpty()) || (negative != null && !negative.isEmpty())) {
                throw RequestMetadata.invalid("a recommendation is either for a user or by positive/negative "
                        + "examples, not both", "user");
            }
            return user;
        }

        /** Whether to leave out the items the user interacted with (default false). */
        public boolean validatedExcludeSeen() {
            return Boolean.TRUE.equals(excludeSeen);
        }

        /** @throws ApiErrorException 400 when there is no positive example or an example id is invalid */
        public List<String> validatedPositive() {
            if (excludeSeen != null) {
                throw RequestMetadata.invalid("exclude_seen needs a user", "exclude_seen");
            }
            if (positive == null || positive.isEmpty()) {
                throw RequestMetadata.invalid("positive must hold at least one item id", "positive");
            }
            return examples(positive, "positive");
        }

        /** @throws ApiErrorException 400 when an example id is invalid */
        public List<String> validatedNegative() {
            return negative == null ? List.of() : examples(negative, "negative");
        }

        /** @throws ApiErrorException 400 when top_k is out of range */
        public int validatedTopK() {
            return checkedTopK(topK);
        }

        /** @throws ApiErrorException 400 when the filter is malformed (see {@link #filter(JsonNode)}) */
        public Map<String, List<String>> validatedFilter() {
            return CollectionRequests.filter(filter);
        }

        private static List<String> examples(List<String> ids, String param) {
            if (ids.size() > MAX_EXAMPLES) {
                throw RequestMetadata.invalid(param + " holds more than " + MAX_EXAMPLES + " item ids", param);
            }
            for (int i = 0; i < ids.size(); i++) {
                itemId(ids.get(i), param + "[" + i + "]");
            }
            return List.copyOf(ids);
        }
    }

    /**
     * A metadata filter: an object whose every key names a metadata key and whose value is either the
     * required value (a string; a number or boolean counts as its JSON text, as item metadata is stored) or
     * {@code {"in": [values...]}}. Absent or null: no filter.
     *
     * @throws ApiErrorException 400 naming the offending {@code filter.<key>}
     */
    static Map<String, List<String>> filter(JsonNode filter) {
        if (filter == null || filter.isNull() || filter.isMissingNode()) {
            return Map.of();
        }
        if (!filter.isObject()) {
            throw RequestMetadata.invalid("filter must be an object of metadata key to value or {\"in\": [values]}",
                    "filter");
        }
        if (filter.size() > MAX_FILTER_KEYS) {
            throw RequestMetadata.invalid("filter has more than " + MAX_FILTER_KEYS + " keys", "filter");
        }
        Map<String, List<String>> conditions = new LinkedHashMap<>();
        filter.fields().forEachRemaining(field -> {
            String key = field.getKey();
            String param = "filter." + key;
            if (key.isEmpty() || key.length() > RequestMetadata.ITEM.maxKeyLength()) {
                throw RequestMetadata.invalid("filter keys must be 1 to " + RequestMetadata.ITEM.maxKeyLength()
                        + " characters", "filter");
            }
            JsonNode value = field.getValue();
            if (value.isValueNode() && !value.isNull()) {
                conditions.put(key, List.of(value.asText()));
                return;
            }
            JsonNode in = value.get("in");
            if (!value.isObject() || value.size() != 1 || in == null || !in.isArray() || in.isEmpty()
                    || in.size() > MAX_FILTER_VALUES) {
                throw RequestMetadata.invalid(param + " must be a string or {\"in\": [1 to " + MAX_FILTER_VALUES
                        + " strings]}", param);
            }
            List<String> values = new ArrayList<>(in.size());
            for (JsonNode element : in) {
                if (!element.isValueNode() || element.isNull()) {
                    throw RequestMetadata.invalid(param + ".in must hold only strings", param);
                }
                values.add(element.asText());
            }
            conditions.put(key, List.copyOf(values));
        });
        return conditions;
    }

    private static int checkedTopK(Integer topK) {
        int k = topK == null ? DEFAULT_TOP_K : topK;
        if (k < 1 || k > MAX_TOP_K) {
            throw RequestMetadata.invalid("top_k must be between 1 and " + MAX_TOP_K, "top_k");
        }
        return k;
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
