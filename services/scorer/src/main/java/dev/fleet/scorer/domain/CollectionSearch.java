package dev.fleet.scorer.domain;

import java.util.List;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;

/**
 * Answers a {@code ScoreRequested} from the {@link VectorIndex}: the hits of the requesting tenant's
 * collection, best first, at most {@code maxTopK}. An unknown or empty collection has no hits (not an
 * error); an empty query, a {@code topK} below 1 or a query of another dimension than the collection's
 * is an {@code INVALID_REQUEST_ERROR}.
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
            return failed(request, ErrorCode.INVALID_REQUEST,
                    "'topK' must be at least 1, was " + request.getTopK() + ".");
        }
        if (request.getQueryVector().isEmpty()) {
            return failed(request, ErrorCode.INVALID_REQUEST, "the query vector is empty.");
        }
        try {
            List<ScoredItem> hits = index.search(request.getTenantId(), request.getCollection(),
                    request.getQueryVector(), Math.min(request.getTopK(), maxTopK));
            return ScoreResult.newBuilder().setRequestId(request.getRequestId()).setItems(hits).setError(null).build();
        } catch (DimensionMismatchException e) {
            return failed(request, ErrorCode.DIMENSION_MISMATCH, "Collection '" + request.getCollection() + "': "
                    + e.getMessage() + ".");
        }
    }

    private static ScoreResult failed(ScoreRequested request, ErrorCode code, String message) {
        return ScoreResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setItems(List.of())
                .setError(new ReplyError(ErrorType.INVALID_REQUEST_ERROR, code, message))
                .build();
    }
}
