package dev.fleet.gateway.web;

import dev.fleet.gateway.config.FleetGatewayProperties;

/**
 * The per-request bounds the web layer enforces before anything is published.
 *
 * @param maxCompletionTokens largest {@code max_tokens} / {@code max_completion_tokens} accepted
 * @param maxItemChars        longest item text, embedding input or search query, in characters
 */
public record RequestLimits(int maxCompletionTokens, int maxItemChars) {

    /** Generous bounds for unit tests of the request classes. */
    public static final RequestLimits DEFAULTS = new RequestLimits(262_144, 32_768);

    public static RequestLimits of(FleetGatewayProperties properties) {
        return new RequestLimits(properties.maxCompletionTokens(), properties.maxItemChars());
    }
}
