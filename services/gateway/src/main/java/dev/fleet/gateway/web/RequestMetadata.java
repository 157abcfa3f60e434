package dev.fleet.gateway.web;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.platform.web.ApiError;
import dev.fleet.platform.web.ApiErrorException;

/**
 * Turns a request's free-form {@code metadata} object into the string map the events carry:
 * strings as they are, numbers and booleans as their JSON text, nulls dropped; nested objects
 * and arrays are refused (400).
 *
 * @param maxEntries     most keys accepted
 * @param maxKeyLength   longest key accepted
 * @param maxValueLength longest value accepted
 */
record RequestMetadata(int maxEntries, int maxKeyLength, int maxValueLength) {

    /** OpenAI's limits for chat metadata. */
    static final RequestMetadata CHAT = new RequestMetadata(16, 64, 512);

    /** Item metadata: returned with search hits, so generous but bounded. */
    static final RequestMetadata ITEM = new RequestMetadata(64, 128, 4096);

    /** A transaction's metadata: kept with its decision and shown to reviewers. */
    static final RequestMetadata TRANSACTION = new RequestMetadata(32, 64, 1024);

    Map<String, String> toStrings(Map<String, JsonNode> raw, String param) {
        Map<String, String> result = new LinkedHashMap<>();
        if (raw == null) {
            return result;
        }
        if (raw.size() > maxEntries) {
            throw invalid(param + " has more than " + maxEntries + " keys", param);
        }
        for (Map.Entry<String, JsonNode> entry : raw.entrySet()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            String where = param + "." + key;
            if (key.isEmpty() || key.length() > maxKeyLength) {
                throw invalid(param + " keys must be 1 to " + maxKeyLength + " characters", param);
            }
            if (value == null || value.isNull() || value.isMissingNode()) {
                continue;
            }
            if (!value.isValueNode()) {
                throw invalid(where + " must be a string", where);
            }
            String text = value.asText();
            if (text.length() > maxValueLength) {
                throw invalid(where + " is longer than " + maxValueLength + " characters", where);
            }
            result.put(key, text);
        }
        return result;
    }

    static ApiErrorException invalid(String message, String param) {
        return new ApiErrorException(ApiError.invalidRequest(message, param));
    }
}
