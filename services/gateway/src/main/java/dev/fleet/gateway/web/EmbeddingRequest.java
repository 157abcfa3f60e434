package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiErrorException;

/**
 * The body of {@code POST /v1/embeddings}: {@code input} is one string or an array of at most
 * {@value #MAX_INPUTS} strings (token arrays are not supported); {@code encoding_format} is
 * {@code float} (default) or {@code base64}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmbeddingRequest(String model, JsonNode input, @JsonProperty("encoding_format") String encodingFormat,
        String user) {

    static final int MAX_INPUTS = 256;

    /**
     * The inputs, validated; each at most {@code limits.maxItemChars()} characters.
     *
     * @throws ApiErrorException 400, or 404 {@code model_not_found}
     */
    public List<String> inputs(ModelCatalog catalog, RequestLimits limits) {
        if (model == null || model.isBlank()) {
            throw RequestMetadata.invalid("you must provide a model parameter", "model");
        }
        if (!catalog.isEmbeddingModel(model)) {
            throw new ApiErrorException(ModelErrors.notFound(model));
        }
        EndUser.validated(user);
        if (encodingFormat != null && !encodingFormat.equals("float") && !encodingFormat.equals("base64")) {
            throw RequestMetadata.invalid("encoding_format must be float or base64", "encoding_format");
        }
        List<String> inputs = new ArrayList<>();
        if (input != null && input.isTextual()) {
            inputs.add(input.textValue());
        } else if (input != null && input.isArray()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw RequestMetadata.invalid("input must be a string or an array of strings", "input");
                }
                inputs.add(item.textValue());
            }
        } else {
            throw RequestMetadata.invalid("input must be a string or an array of strings", "input");
        }
        if (inputs.isEmpty()) {
            throw RequestMetadata.invalid("input must not be empty", "input");
        }
        if (inputs.size() > MAX_INPUTS) {
            throw RequestMetadata.invalid("input must have at most " + MAX_INPUTS + " items", "input");
        }
        if (inputs.stream().anyMatch(String::isBlank)) {
            throw RequestMetadata.invalid("input must not contain empty strings", "input");
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).length() > limits.maxItemChars()) {
                throw RequestMetadata.invalid("input[" + i + "] is longer than " + limits.maxItemChars()
                        + " characters", "input");
            }
        }
        return inputs;
    }

    boolean base64() {
        return "base64".equals(encodingFormat);
    }
}
