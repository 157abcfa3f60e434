package dev.fleet.scorer.domain;

import java.util.List;

import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;

/**
 * Answers a {@code ScoreRequested} from the {@link VectorIndex}: the hits of the requesting tenant's
 * collection, best first, at most {@code maxTopK}. An unknown or empty collection has no hits (not an
 * error); an empty query, a {@code topK} below 1 or a query of another dimension than the collection's
 * is an {@code invalid_request_error}.
 */
public class CollectionSearch {

    private final VectorIndex index;
    private final int maxTopK;

    public CollectionSearch(VectorIndex index, int maxTopK) {
        this.index = index;
        this.maxTopK = maxTopK;
    }

    public ScoreResult answer(ScoreRequested request) {
        if (request.getTopK() < 1) {
            return failed(request, "invalid_request", "'topK' must be at least 1, was " + request.getTopK() + ".");
        }
        if (request.getQueryVector().isEmpty()) {
            return failed(request, "invalid_request", "the query vector is empty.");
        }
        try {
            List<ScoredItem> hits = index.search(request.getTenantId(), request.getCollection(),
                    request.getQueryVector(), Math.min(request.getTopK(), maxTopK));
            return ScoreResult.newBuilder().setRequestId(request.getRequestId()).setItems(hits).setError(null).build();
        } catch (DimensionMismatchException e) {
            return failed(request, "dimension_mismatch", "Collection '" + request.getCollection() + "': "
                    + e.getMessage() + ".");
        }
    }

    private static ScoreResult failed(ScoreRequested request, String code, String message) {
        return ScoreResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setItems(List.of())
                .setError(new ReplyError("invalid_request_error", code, message))
                .build();
    }
}
