package dev.fleet.gateway.web;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatMessage;
import dev.fleet.gateway.domain.ChatCommand;
import dev.fleet.gateway.domain.ModelCatalog;
import dev.fleet.platform.web.ApiErrorException;

/**
 * The body of {@code POST /v1/chat/completions}, as OpenAI documents it. Carried to the
 * orchestrator: messages (see {@link ChatMessageParser}), {@code temperature},
 * {@code max_completion_tokens} (or the older {@code max_tokens}), {@code metadata}, and the
 * {@link ChatOptionsParser options}. Served here: {@code stream} and {@code stream_options}.
 * Refused with a clear 400: {@code n} other than 1 and {@code logprobs}/{@code top_logprobs} (the
 * fleet returns one choice without log probabilities). Other fields (store, service_tier, ...) are
 * ignored. {@code user}, when given, is also passed on as metadata {@code user} unless the metadata
 * already has one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionRequest(
        String model,
        List<JsonNode> messages,
        Boolean stream,
        @JsonProperty("stream_options") JsonNode streamOptions,
        Double temperature,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Integer n,
        Boolean logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        Map<String, JsonNode> metadata,
        String user,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        Long seed,
        JsonNode stop,
        JsonNode tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        @JsonProperty("response_format") JsonNode responseFormat) {

    /**
     * Validates the request against the OpenAI contract, this gateway's models and {@code limits}.
     *
     * @throws ApiErrorException 400 for an invalid request, 404 {@code model_not_found} for an unknown model
     */
    public ChatCommand toCommand(ModelCatalog catalog, RequestLimits limits) {
        if (model == null || model.isBlank()) {
            throw RequestMetadata.invalid("you must provide a model parameter", "model");
        }
        List<ChatMessage> converted = ChatMessageParser.parse(messages);
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw RequestMetadata.invalid("temperature must be between 0 and 2", "temperature");
        }
        Integer completionTokens = completionTokens(limits);
        if (n != null && n != 1) {
            throw RequestMetadata.invalid("n must be 1: this gateway returns one choice per request", "n");
        }
        if (Boolean.TRUE.equals(logprobs) || topLogprobs != null) {
            throw RequestMetadata.invalid("logprobs are not supported by this gateway",
                    topLogprobs != null ? "top_logprobs" : "logprobs");
        }
        boolean includeUsage = includeUsage();
        Map<String, String> meta = RequestMetadata.CHAT.toStrings(metadata, "metadata");
        String endUser = EndUser.validated(user);
        if (endUser != null && !endUser.isBlank()) {
            meta.putIfAbsent("user", endUser);
        }
        var options = ChatOptionsParser.parse(this, endUser);
        if (!catalog.isChatModel(model)) {
            throw new ApiErrorException(ModelErrors.notFound(model));
        }
        return new ChatCommand(model, converted, Boolean.TRUE.equals(stream), includeUsage, temperature,
                completionTokens, meta, options);
    }

    /** {@code max_completion_tokens}, or else {@code max_tokens}; within {@code [1, limit]}. */
    private Integer completionTokens(RequestLimits limits) {
        String param = maxCompletionTokens != null ? "max_completion_tokens" : "max_tokens";
        Integer value = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        if (value != null && (value < 1 || value > limits.maxCompletionTokens())) {
            throw RequestMetadata.invalid(param + " must be between 1 and " + limits.maxCompletionTokens(), param);
        }
        return value;
    }

    private boolean includeUsage() {
        if (streamOptions == null || streamOptions.isNull()) {
            return false;
        }
        if (!Boolean.TRUE.equals(stream)) {
            throw RequestMetadata.invalid("stream_options is only allowed when stream is true", "stream_options");
        }
        JsonNode include = streamOptions.path("include_usage");
        if (!streamOptions.isObject() || !(include.isMissingNode() || include.isBoolean())) {
            throw RequestMetadata.invalid("stream_options must be {\"include_usage\": true|false}",
                    "stream_options");
        }
        return include.asBoolean(false);
    }
}
