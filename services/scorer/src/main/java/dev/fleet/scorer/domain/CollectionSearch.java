package dev.fleet.scorer.domain;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.RecommendExamples;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.scorer.domain.profile.ProfileRecommender;
import dev.fleet.scorer.domain.profile.UserProfiles;

/**
 * Answers a {@code ScoreRequested} from the {@link VectorIndex}: a search by query vector, or a
 * recommendation by example item ids when {@code recommend} is set, or for a user when {@code user} is set
 * ({@link ProfileRecommender}); either way the hits that pass the request's metadata filter, best first, at
 * most {@code maxTopK}. An unknown or empty collection, or an unknown user, has no hits (not an error), unless
 * a recommendation names examples it does not hold; an empty query, a {@code topK} below 1, a recommendation
 * without positives, with unknown examples or with both a user and examples, or a query of another dimension
 * than the collection's is an {@code INVALID_REQUEST_ERROR}.
 */
public class CollectionSearch {

    private final VectorIndex index;
    private final ProfileRecommender profiles;
    private final int maxTopK;

    /** A search without user profiles (every user is unknown). */
    public CollectionSearch(VectorIndex index, int maxTopK) {
        this(index, new ProfileRecommender(index, new UserProfiles(1, 1, 1), Duration.ofDays(7), Clock.systemUTC()),
                maxTopK);
    }

    public CollectionSearch(VectorIndex index, ProfileRecommender profiles, int maxTopK) {
        this.index = index;
        this.profiles = profiles;
        this.maxTopK = maxTopK;
    }

    public ScoreResult answer(ScoreRequested request) {
        return answer(request, RankingRules.NONE);
    }

    /** The answer to {@code request} ranked with its collection's {@code rules} (boosts, buries, pins). */
    public ScoreResult answer(ScoreRequested request, RankingRules rules) {
        if (request.getTopK() < 1) {
            return failed(request, ErrorCode.INVALID_REQUEST,
                    "'topK' must be at least 1, was " + request.getTopK() + ".");
        }
        RecommendExamples examples = request.getRecommend();
        String user = request.getUser();
        if (user != null && examples != null) {
            return failed(request, ErrorCode.INVALID_REQUEST,
                    "a recommendation is either for a user or by examples, not both.");
        }
        if (user != null && user.isBlank()) {
            return failed(request, ErrorCode.INVALID_REQUEST, "'user' must not be blank.");
        }
        if (user == null && examples == null && request.getQueryVector().isEmpty()) {
            return failed(request, ErrorCode.INVALID_REQUEST, "the query vector is empty.");
        }
        if (examples != null && examples.getPositive().isEmpty()) {
            return failed(request, ErrorCode.INVALID_REQUEST, "a recommendation needs at least one positive example.");
        }
        int topK = Math.min(request.getTopK(), maxTopK);
        MetadataFilter filter = MetadataFilter.of(request.getFilter());
        try {
            List<ScoredItem> hits;
            if (user != null) {
                hits = profiles.recommend(request.getTenantId(), request.getCollection(), user,
                        request.getExcludeSeen(), topK, filter, rules);
            } else if (examples != null) {
                hits = index.recommend(request.getTenantId(), request.getCollection(), examples.getPositive(),
                        examples.getNegative(), topK, filter, rules);
            } else {
                hits = index.search(request.getTenantId(), request.getCollection(), floats(request.getQueryVector()),
                        topK, filter, rules);
            }
            return ScoreResult.newBuilder().setRequestId(request.getRequestId()).setItems(hits).setError(null).build();
        } catch (DimensionMismatchException e) {
            return failed(request, ErrorCode.DIMENSION_MISMATCH, "Collection '" + request.getCollection() + "': "
                    + e.getMessage() + ".");
        } catch (UnknownItemsException e) {
            return failed(request, ErrorCode.INVALID_REQUEST, "Collection '" + request.getCollection() + "': "
                    + e.getMessage() + ".");
        }
    }

    private static float[] floats(List<Float> values) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }

    private static ScoreResult failed(ScoreRequested request, ErrorCode code, String message) {
        return ScoreResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setItems(List.of())
                .setError(new ReplyError(ErrorType.INVALID_REQUEST_ERROR, code, message))
                .build();
    }
}
