package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.ModelTarget;
import dev.fleet.events.v1.TokenUsage;

/**
 * What generation streams: a piece of generated text, the token usage the provider reported
 * (usually last), or — from the {@link ChatRouter} — the target tried from now on
 * (before it is called). {@code text} is never null; {@code usage} and
 * {@code target} are null unless this chunk carries them.
 */
public record ProviderChunk(String text, TokenUsage usage, ModelTarget target) {

    public ProviderChunk {
        text = text == null ? "" : text;
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
}
