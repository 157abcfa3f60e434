package dev.fleet.orchestrator.console;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What came back from the gateway for a playground call: the answer's text, model and token usage, or a
 * problem to show (the HTTP status, when there was one, and the gateway's OpenAI-format error message).
 *
 * @param text             the assistant's answer (null on a problem)
 * @param model            the model that answered
 * @param promptTokens     usage: prompt tokens (null when the answer does not say)
 * @param completionTokens usage: completion tokens
 * @param totalTokens      usage: all tokens
 * @param status           the gateway's HTTP status on a problem; 0 when it did not answer
 * @param problem          what went wrong, readable (null on an answer)
 * @param errorType        the error's OpenAI {@code type} or {@code code}, when the gateway gave one
 */
public record PlaygroundAnswer(String text, String model, Long promptTokens, Long completionTokens, Long totalTokens,
        int status, String problem, String errorType) {

    public boolean ok() {
        return problem == null;
    }

    /** An OpenAI chat completion. */
    static PlaygroundAnswer of(JsonNode json) {
        JsonNode message = json.path("choices").path(0).path("message");
        JsonNode usage = json.path("usage");
        return new PlaygroundAnswer(message.path("content").asText(""), text(json.path("model")),
                number(usage.path("prompt_tokens")), number(usage.path("completion_tokens")),
                number(usage.path("total_tokens")), 200, null, null);
    }

    /** An error answer: the OpenAI-format {@code error} when the body has one. */
    static PlaygroundAnswer problem(int status, JsonNode json) {
        JsonNode error = json == null ? null : json.path("error");
        String message = error == null ? null : text(error.path("message"));
        String type = error == null ? null : text(error.path("code")) != null ? text(error.path("code"))
                : text(error.path("type"));
        return new PlaygroundAnswer(null, null, null, null, null, status,
                message != null ? message : "The gateway answered " + status + ".", type);
    }

    /** No answer at all. */
    static PlaygroundAnswer unreachable(String why) {
        return new PlaygroundAnswer(null, null, null, null, null, 0, why, null);
    }

    /** A heading for the problem, by status: what the user should understand first. */
    public String problemTitle() {
        return switch (status) {
            case 0 -> "No answer from the gateway";
            case 400 -> "The gateway refused the request (400)";
            case 401 -> "The API key was not accepted (401)";
            case 403 -> "The API key may not do this (403)";
            case 404 -> "Not found at the gateway (404)";
            case 429 -> "Over the tenant's rate limit or quota (429)";
            case 503 -> "The fleet is unavailable (503)";
            default -> "The gateway answered " + status;
        };
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static Long number(JsonNode node) {
        return node.isNumber() ? node.asLong() : null;
    }
}
