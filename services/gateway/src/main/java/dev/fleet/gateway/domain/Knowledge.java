package dev.fleet.gateway.domain;

import java.util.List;
import java.util.Map;

import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.ScoreResult;

import reactor.core.publisher.Mono;

/**
 * Embeddings, semantic search and recommendations by example, answered by the embedding-worker and the scorer. Failures:
 * {@link UpstreamFailureException} (the service answered with an error),
 * {@link ReplyTimeoutException}, {@link EventBusUnavailableException}.
 */
public interface Knowledge {

    /** Embeddings of {@code inputs}, one vector per input. */
    Mono<EmbeddingResult> embed(String tenantId, List<String> inputs);

    /**
     * The {@code topK} items of the tenant's {@code collection} closest to {@code query}, best first, among
     * those whose metadata passes {@code filter} (key → allowed values; empty: all).
     */
    Mono<ScoreResult> search(String tenantId, String collection, String query, int topK,
            Map<String, List<String>> filter);

    /**
     * The {@code topK} items of the tenant's {@code collection} most like the {@code positive} example
     * items and least like the {@code negative} ones, the examples excluded, among those passing
     * {@code filter}, best first.
     */
    Mono<ScoreResult> recommend(String tenantId, String collection, List<String> positive, List<String> negative,
            int topK, Map<String, List<String>> filter);

    /**
     * The {@code topK} items of the tenant's {@code collection} closest to {@code user}'s profile (their
     * interactions, time-decayed), without the items they interacted with if {@code excludeSeen}, among those
     * passing {@code filter}, best first; none for a user without interactions.
     */
    Mono<ScoreResult> recommendForUser(String tenantId, String collection, String user, boolean excludeSeen,
            int topK, Map<String, List<String>> filter);
}
