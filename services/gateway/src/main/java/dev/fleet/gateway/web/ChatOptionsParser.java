package dev.fleet.gateway.web;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.ChatOptions;

/**
 * Validates the optional OpenAI chat parameters and packs them into the {@link ChatOptions} the
 * orchestrator receives: {@code top_p} (0..1), {@code presence_penalty} and
 * {@code frequency_penalty} (-2..2), {@code seed}, {@code stop} (a string or up to four),
 * {@code tools}, {@code tool_choice}, {@code parallel_tool_calls}, {@code response_format} (as
 * the client's JSON) and {@code user}. Null when the client set none of them.
 */
final class ChatOptionsParser {

    static final int MAX_STOP_SEQUENCES = 4;

    private ChatOptionsParser() {
    }

    static ChatOptions parse(ChatCompletionRequest request, String user) {
        between(request.topP(), 0, 1, "top_p");
        between(request.presencePenalty(), -2, 2, "presence_penalty");
        between(request.frequencyPenalty(), -2, 2, "frequency_penalty");
        List<String> stop = stop(request.stop());
        boolean hasTools = present(request.tools());
        if (hasTools) {
            ToolJson.requireTools(request.tools(), "tools");
        }
        if (present(request.toolChoice())) {
            ToolJson.requireToolChoice(request.toolChoice(), hasTools, "tool_choice");
        }
        if (present(request.responseFormat())) {
            ToolJson.requireResponseFormat(request.responseFormat(), "response_format");
        }
        ChatOptions options = ChatOptions.newBuilder()
                .setTopP(request.topP())
                .setPresencePenalty(request.presencePenalty())
                .setFrequencyPenalty(request.frequencyPenalty())
                .setSeed(request.seed())
                .setStop(stop)
                .setToolsJson(hasTools ? request.tools().toString() : null)
                .setToolChoiceJson(present(request.toolChoice()) ? request.toolChoice().toString() : null)
                .setParallelToolCalls(request.parallelToolCalls())
                .setResponseFormatJson(present(request.responseFormat()) ? request.responseFormat().toString() : null)
                .setUser(user)
                .build();
        return options.equals(ChatOptions.newBuilder().build()) ? null : options;
    }

    private static List<String> stop(JsonNode stop) {
        List<String> sequences = new ArrayList<>();
        if (!present(stop)) {
            return sequences;
        }
        if (stop.isTextual()) {
            sequences.add(stop.textValue());
        } else if (stop.isArray() && stop.size() <= MAX_STOP_SEQUENCES) {
            for (JsonNode sequence : stop) {
                if (!sequence.isTextual()) {
                    throw RequestMetadata.invalid("stop must be a string or an array of strings", "stop");
                }
                sequences.add(sequence.textValue());
            }
        } else {
            throw RequestMetadata.invalid("stop must be a string or an array of at most " + MAX_STOP_SEQUENCES
                    + " strings", "stop");
        }
        if (sequences.stream().anyMatch(String::isEmpty)) {
            throw RequestMetadata.invalid("stop sequences must not be empty", "stop");
        }
        return sequences;
    }

    private static void between(Double value, double min, double max, String param) {
        if (value != null && (value.isNaN() || value < min || value > max)) {
            throw RequestMetadata.invalid(param + " must be between " + (int) min + " and " + (int) max, param);
        }
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }
}
