package dev.fleet.orchestrator.domain;

import java.time.Instant;

/**
 * How a routed request ended, as its {@link ModelRoutes} learns it (for experiment outcomes).
 *
 * @param succeeded        whether the request was answered completely
 * @param firstTextAt      when the first text was produced; null when none came
 * @param finishedAt       when the last chunk was published
 * @param promptTokens     prompt tokens billed (0 when no model was reached)
 * @param completionTokens completion tokens billed: those delivered before a failure
 * @param errorCode        OpenAI's error code when it failed; null otherwise
 */
public record RouteOutcome(boolean succeeded, Instant firstTextAt, Instant finishedAt, int promptTokens,
        int completionTokens, String errorCode) {
}
