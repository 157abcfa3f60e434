package dev.fleet.scorer.domain.profile;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.fleet.events.v1.ScoredItem;
import dev.fleet.scorer.domain.MetadataFilter;
import dev.fleet.scorer.domain.RankingRules;
import dev.fleet.scorer.domain.VectorIndex;

/**
 * Recommendations for a user: a search of the collection with the user's {@link ProfileVector} (computed now,
 * from the vectors the index holds now), optionally without the items the user interacted with. A user this
 * replica has no profile for, or whose items have no vectors, gets no recommendations (decision 0039).
 */
public class ProfileRecommender {

    private final VectorIndex index;
    private final UserProfiles profiles;
    private final Duration halfLife;
    private final Clock clock;

    public ProfileRecommender(VectorIndex index, UserProfiles profiles, Duration halfLife, Clock clock) {
        this.index = index;
        this.profiles = profiles;
        this.halfLife = halfLife;
        this.clock = clock;
    }

    public List<ScoredItem> recommend(String tenantId, String collection, String user, boolean excludeSeen, int topK,
            MetadataFilter filter) {
        return recommend(tenantId, collection, user, excludeSeen, topK, filter, RankingRules.NONE);
    }

    /** {@link #recommend(String, String, String, boolean, int, MetadataFilter)} ranked with {@code rules}. */
    public List<ScoredItem> recommend(String tenantId, String collection, String user, boolean excludeSeen, int topK,
            MetadataFilter filter, RankingRules rules) {
        Optional<UserProfiles.Snapshot> profile = profiles.find(new UserProfiles.UserKey(tenantId, collection, user));
        if (profile.isEmpty()) {
            return List.of();
        }
        Set<String> excluded = excludeSeen ? profile.get().itemIds() : Set.of();
        return index.searchDerived(tenantId, collection, vectorOf -> ProfileVector.of(profile.get().interactions(),
                vectorOf, clock.instant(), halfLife), excluded, topK, filter, rules);
    }
}
