package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ModelTarget;
import dev.fleet.events.v1.TokenUsage;

/**
 * What generation streams: a piece of generated text, the tool calls the model made (complete,
 * as OpenAI's {@code tool_calls} JSON array), the token usage the provider reported (usually
 * last), or — from the {@link ChatRouter} — the target tried from now on (before it is called).
 * {@code text} is never null; {@code usage}, {@code target} and {@code toolCallsJson} are null
 * unless this chunk carries them.
 */
public record ProviderChunk(String text, TokenUsage usage, ModelTarget target, String toolCallsJson) {

    public ProviderChunk {
        text = text == null ? "" : text;
    }

    public ProviderChunk(String text, TokenUsage usage, ModelTarget target) {
        this(text, usage, target, null);
    }

    public static ProviderChunk text(String text) {
        return new ProviderChunk(text, null, null);
    }

    public static ProviderChunk usage(TokenUsage usage) {
        return new ProviderChunk("", usage, null);
    }

    /** Marks that {@code target} serves the pieces that follow. */
    public static ProviderChunk serving(ModelTarget target) {
        return new ProviderChunk("", null, target);
    }

    /** The tool calls the model made, as OpenAI's {@code tool_calls} array (JSON). */
    public static ProviderChunk toolCalls(String toolCallsJson) {
        return new ProviderChunk("", null, null, toolCallsJson);
    }

    /** Whether this chunk delivers something to the client (text or tool calls). */
    public boolean delivers() {
        return !text.isEmpty() || toolCallsJson != null;
    }
}
