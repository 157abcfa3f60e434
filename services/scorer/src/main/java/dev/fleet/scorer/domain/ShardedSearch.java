package dev.fleet.scorer.domain;

import java.time.Duration;
import java.util.List;

import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.schemas.CollectionPartition;

/**
 * A {@link CollectionSearch} that answers only from a complete partition (decision 0034): the request must
 * have arrived on its collection's partition (else {@code INVALID_REQUEST}), and that partition must be
 * held and rebuilt; one being rebuilt is waited for up to {@code rebuildWait}, then the answer is a
 * {@code SERVER_ERROR}/{@code TIMEOUT} (the gateway's 503 + Retry-After) — never hits from a half-read
 * partition.
 */
public class ShardedSearch {

    private final CollectionSearch search;
    private final ShardStates states;
    private final int partitions;
    private final Duration rebuildWait;

    public ShardedSearch(CollectionSearch search, ShardStates states, int partitions, Duration rebuildWait) {
        this.search = search;
        this.states = states;
        this.partitions = partitions;
        this.rebuildWait = rebuildWait;
    }

    /** The answer to {@code request}, which arrived on {@code partition} of the score requests. */
    public ScoreResult answer(ScoreRequested request, int partition) throws InterruptedException {
        return answer(request, partition, RankingRules.NONE);
    }

    /** {@link #answer(ScoreRequested, int)} ranked with the collection's {@code rules}. */
    public ScoreResult answer(ScoreRequested request, int partition, RankingRules rules) throws InterruptedException {
        int home = CollectionPartition.of(request.getTenantId(), request.getCollection(), partitions);
        if (home != partition) {
            return failed(request, ErrorType.INVALID_REQUEST_ERROR, ErrorCode.INVALID_REQUEST, "the search of '"
                    + request.getCollection() + "' arrived on partition " + partition + "; its collection's "
                    + "partition is " + home + ".");
        }
        if (!states.awaitReady(home, rebuildWait)) {
            return failed(request, ErrorType.SERVER_ERROR, ErrorCode.TIMEOUT, "the index partition of '"
                    + request.getCollection() + "' is being rebuilt; retry shortly.");
        }
        return search.answer(request, rules);
    }

    private static ScoreResult failed(ScoreRequested request, ErrorType type, ErrorCode code, String message) {
        return ScoreResult.newBuilder().setRequestId(request.getRequestId()).setItems(List.of())
                .setError(new ReplyError(type, code, message)).build();
    }
}
