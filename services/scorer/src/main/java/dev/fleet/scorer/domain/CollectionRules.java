package dev.fleet.scorer.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.fleet.events.v1.RecommendationRules;

/**
 * Every collection's active {@link RankingRules}, as the compacted {@code fleet.recommendation.rules.v1} holds
 * them (key {@code tenantId/collection}): a record replaces the collection's rules, a tombstone removes them.
 * Every replica holds every collection's rules (they are small), so it applies them whichever partitions it
 * holds. Thread-safe: a search takes one snapshot, so its ranking and its {@code ruleVersion} agree.
 */
public class CollectionRules {

    private record Key(String tenantId, String collection) {
    }

    private final Map<Key, RankingRules> rules = new ConcurrentHashMap<>();

    /** Applies one record of the topic ({@code value} null: a tombstone of {@code key}). */
    public void apply(String key, RecommendationRules value) {
        if (value != null) {
            rules.put(new Key(value.getTenantId(), value.getCollection()), RankingRules.of(value));
            return;
        }
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash > 0) {
            rules.remove(new Key(key.substring(0, slash), key.substring(slash + 1)));
        }
    }

    /** The rules of the tenant's collection; {@link RankingRules#NONE} when it has none. */
    public RankingRules of(String tenantId, String collection) {
        return rules.getOrDefault(new Key(tenantId, collection), RankingRules.NONE);
    }
}
