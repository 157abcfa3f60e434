package dev.fleet.scorer.messaging;

import java.time.Clock;

import org.apache.kafka.common.header.Headers;

import dev.fleet.events.v1.RecommendationServed;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ServedItem;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.schemas.CollectionPartition;
import dev.fleet.schemas.FleetTopics;

/**
 * The {@code RecommendationServed} of each answered recommendation (by user or by examples; not a search, not
 * a failed request), keyed {@code tenantId/collection} on the collection's partition like its interactions, so
 * analytics can join the two per partition. Its event id derives from the request's, so a redelivered request
 * publishes the same event again, which consumers dedupe. {@code ruleVersion} is the version of the collection's
 * recommendation rules the answer was ranked with (0: none).
 */
class RecommendationsServed {

    private static final String PURPOSE = "recommendation-served";

    private final Clock clock;

    RecommendationsServed(Clock clock) {
        this.clock = clock;
    }

    static boolean isRecommendation(ScoreRequested request) {
        return request.getUser() != null || request.getRecommend() != null;
    }

    /**
     * Adds the event of {@code result}, ranked with rules version {@code ruleVersion}, to {@code sends}, if
     * {@code request} was an answered recommendation.
     */
    void publish(PendingSends sends, Headers cause, ScoreRequested request, ScoreResult result, int ruleVersion) {
        if (!isRecommendation(request) || result.getError() != null) {
            return;
        }
        RecommendationServed served = RecommendationServed.newBuilder()
                .setRequestId(request.getRequestId())
                .setTenantId(request.getTenantId())
                .setCollection(request.getCollection())
                .setUser(request.getUser())
                .setItems(result.getItems().stream().map(item -> new ServedItem(item.getItemId(), item.getScore()))
                        .toList())
                .setRuleVersion(ruleVersion)
                .setServedAt(clock.instant())
                .build();
        int partition = CollectionPartition.of(request.getTenantId(), request.getCollection(),
                FleetTopics.RECOMMENDATIONS_SERVED.partitions());
        sends.publish(FleetTopics.RECOMMENDATIONS_SERVED, partition,
                request.getTenantId() + "/" + request.getCollection(), served,
                EventContext.derivedFrom(cause, request.getTenantId(), PURPOSE));
    }
}
