package dev.fleet.orchestrator.domain;

import dev.fleet.events.v1.TokenUsage;

/**
 * What a {@link ChatProvider} streams: a piece of generated text, or the token usage the provider
 * reported (usually last). {@code text} is never null; {@code usage} is null unless reported.
 */
public record ProviderChunk(String text, TokenUsage usage) {

    public ProviderChunk {
        text = text == null ? "" : text;
    }

    public static ProviderChunk text(String text) {
        return new ProviderChunk(text, null);
    }

    public static ProviderChunk usage(TokenUsage usage) {
        return new ProviderChunk("", usage);
    }
}
