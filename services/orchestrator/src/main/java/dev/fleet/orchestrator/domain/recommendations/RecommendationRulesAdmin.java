package dev.fleet.orchestrator.domain.recommendations;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.springframework.transaction.annotation.Transactional;

import dev.fleet.events.v1.RecommendationRule;
import dev.fleet.events.v1.RecommendationRules;
import dev.fleet.orchestrator.domain.Actors;

import reactor.core.publisher.Mono;

/**
 * Collections' recommendation rules (boost and bury by metadata, pinned items) as versioned config
 * (decision 0049). Setting rules stores them as the collection's next version (the latest + 1, under the
 * tenant's lock; versions are never changed) and makes it active; activating an earlier version rolls back,
 * version 0 clears the rules. Each change writes, in its transaction, the collection's active rules for
 * {@code fleet.recommendation.rules.v1} and a {@code RecommendationRulesChanged} event (the actor: who made
 * the change, {@link Actors}), and answers once Kafka acknowledged the state. The rules are validated by the
 * caller (the admin API) before they get here. Each method is empty when the tenant does not exist.
 */
public class RecommendationRulesAdmin {

    private final RecommendationRulesStore store;
    private final RecommendationRulesEvents events;
    private final Clock clock;

    public RecommendationRulesAdmin(RecommendationRulesStore store, RecommendationRulesEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** Stores {@code rules} and {@code pinned} as the collection's next version and activates it. */
    @Transactional
    public Mono<RecommendationRulesVersion> create(UUID tenantId, String collection, List<RecommendationRule> rules,
            List<String> pinned) {
        return locked(tenantId, () -> Actors.current().flatMap(actor -> store.latestVersion(tenantId, collection)
                .flatMap(latest -> {
                    RecommendationRulesVersion version = new RecommendationRulesVersion(latest + 1, rules, pinned,
                            clock.instant().truncatedTo(ChronoUnit.MILLIS), actor);
                    return store.insert(tenantId, collection, version)
                            .then(store.saveActive(tenantId, collection, version.version(), clock.instant()))
                            .then(announce(tenantId, collection, version, "created", actor))
                            .thenReturn(version);
                })));
    }

    /** The collection's active rules ({@link RecommendationRulesVersion#NONE} when it has none). */
    public Mono<RecommendationRulesVersion> current(UUID tenantId, String collection) {
        return store.tenantExists(tenantId).flatMap(exists -> exists
                ? store.active(tenantId, collection).flatMap(active -> version(tenantId, collection, active))
                : Mono.empty());
    }

    /** The collection's versions and which one is active. */
    public Mono<RecommendationRulesOverview> overview(UUID tenantId, String collection) {
        return store.tenantExists(tenantId).flatMap(exists -> exists
                ? store.versions(tenantId, collection).collectList().zipWith(store.active(tenantId, collection),
                        (versions, active) -> new RecommendationRulesOverview(active, versions))
                : Mono.empty());
    }

    /**
     * Makes {@code version} (an earlier one: a rollback; 0: no rules) the active version.
     *
     * @throws UnknownRulesVersionException (as the Mono's error) when the collection has no such version
     */
    @Transactional
    public Mono<RecommendationRulesVersion> activate(UUID tenantId, String collection, int version) {
        return locked(tenantId, () -> version(tenantId, collection, version)
                .switchIfEmpty(Mono.error(() -> new UnknownRulesVersionException("collection '" + collection
                        + "' has no recommendation-rules version " + version)))
                .flatMap(found -> Actors.current().flatMap(actor -> store.saveActive(tenantId, collection, version,
                        clock.instant()).then(announce(tenantId, collection, found, "activated", actor))
                        .thenReturn(found))));
    }

    private Mono<RecommendationRulesVersion> version(UUID tenantId, String collection, int version) {
        return version == 0 ? Mono.just(RecommendationRulesVersion.NONE)
                : version < 0 ? Mono.empty() : store.find(tenantId, collection, version);
    }

    private <T> Mono<T> locked(UUID tenantId, Supplier<Mono<T>> change) {
        return store.lockTenant(tenantId).flatMap(exists -> exists ? change.get() : Mono.empty());
    }

    private Mono<Void> announce(UUID tenantId, String collection, RecommendationRulesVersion version, String change,
            String actor) {
        RecommendationRules state = RecommendationRules.newBuilder()
                .setTenantId(tenantId.toString())
                .setCollection(collection)
                .setVersion(version.version())
                .setRules(List.copyOf(version.rules()))
                .setPinned(List.copyOf(version.pinned()))
                .setUpdatedAt(clock.instant())
                .build();
        return events.rulesChanged(tenantId, state, change, actor).then(events.deliver());
    }
}
