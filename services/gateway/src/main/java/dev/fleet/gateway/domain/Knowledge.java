package dev.fleet.gateway.domain;

import java.util.List;

import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.ScoreResult;

import reactor.core.publisher.Mono;

/**
 * Embeddings and semantic search, answered by the embedding-worker and the scorer. Failures:
 * {@link UpstreamFailureException} (the service answered with an error),
 * {@link ReplyTimeoutException}, {@link EventBusUnavailableException}.
 */
public interface Knowledge {

    /** Embeddings of {@code inputs}, one vector per input. */
    Mono<EmbeddingResult> embed(String tenantId, List<String> inputs);

    /** The {@code topK} items of the tenant's {@code collection} closest to {@code query}, best first. */
    Mono<ScoreResult> search(String tenantId, String collection, String query, int topK);
}
