package dev.fleet.scorer.domain;

import java.util.List;
import java.util.Map;

import dev.fleet.events.v1.RecommendationRule;
import dev.fleet.events.v1.RecommendationRules;

/**
 * A collection's business rules as a search applies them (decision 0049): boost and bury rules, each a
 * metadata condition ({@link MetadataFilter}: equality or an {@code in} list per key) and a factor that
 * multiplies the similarity of every matching item while the collection is scanned, so top-k reflects them;
 * several matching rules multiply. A negative similarity is divided by the factor instead, so a boost
 * (factor above 1) always raises an item and a bury (below 1) always lowers it. Pinned items are served first,
 * in their order, by {@link VectorIndex}. Immutable; {@link #NONE} (version 0) changes nothing.
 */
public final class RankingRules {

    /** No rules: version 0, nothing boosted, buried or pinned. */
    public static final RankingRules NONE = new RankingRules(0, new MetadataFilter[0], new double[0], List.of());

    private final int version;
    private final MetadataFilter[] conditions;
    private final double[] factors;
    private final List<String> pinned;

    private RankingRules(int version, MetadataFilter[] conditions, double[] factors, List<String> pinned) {
        this.version = version;
        this.conditions = conditions;
        this.factors = factors;
        this.pinned = pinned;
    }

    /**
     * The rules of a published version. A rule with an empty condition or a factor that is not a positive
     * number (the orchestrator refuses both; only a record written around it) is left out: it would boost or
     * bury every item, or flip the ranking.
     */
    public static RankingRules of(RecommendationRules record) {
        List<RecommendationRule> usable = record.getRules().stream()
                .filter(rule -> !rule.getWhen().isEmpty() && rule.getFactor() > 0
                        && Double.isFinite(rule.getFactor()))
                .toList();
        MetadataFilter[] conditions = new MetadataFilter[usable.size()];
        double[] factors = new double[usable.size()];
        for (int i = 0; i < conditions.length; i++) {
            conditions[i] = MetadataFilter.of(usable.get(i).getWhen());
            factors[i] = usable.get(i).getFactor();
        }
        return new RankingRules(record.getVersion(), conditions, factors,
                record.getPinned().stream().distinct().toList());
    }

    /** The version applied (RecommendationServed's {@code ruleVersion}); 0: no rules. */
    public int version() {
        return version;
    }

    /** Item ids to serve first, in order (without duplicates). */
    public List<String> pinned() {
        return pinned;
    }

    /** Whether any boost or bury rule may change a score. */
    public boolean adjustsScores() {
        return conditions.length > 0;
    }

    /** {@code similarity} (clamped to -1..1) with the factors of the rules {@code metadata} matches. */
    public float apply(float similarity, Map<String, String> metadata) {
        float clamped = Math.max(-1f, Math.min(1f, similarity));
        double factor = 1;
        for (int i = 0; i < conditions.length; i++) {
            if (conditions[i].matches(metadata)) {
                factor *= factors[i];
            }
        }
        return (float) (clamped >= 0 ? clamped * factor : clamped / factor);
    }

    @Override
    public String toString() {
        return "RankingRules[version=" + version + ", rules=" + conditions.length + ", pinned=" + pinned + "]";
    }
}
