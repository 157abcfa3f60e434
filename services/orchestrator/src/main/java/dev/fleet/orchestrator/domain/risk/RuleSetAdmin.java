package dev.fleet.orchestrator.domain.risk;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.springframework.transaction.annotation.Transactional;

import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.orchestrator.domain.Actors;
import dev.fleet.orchestrator.domain.risk.RuleSetChangeException.Kind;
import dev.fleet.platform.risk.DefaultRiskRules;
import dev.fleet.platform.risk.RiskRuleSets;

import reactor.core.publisher.Mono;

/**
 * Tenants' risk rule sets as versioned config. A new version is compiled first
 * ({@link RiskRuleSets#compile}; one that does not compile is refused whole with every problem, and
 * nothing is stored), then numbered (the tenant's latest + 1, under the tenant's lock) and stored;
 * versions are never changed. Activating a version, putting one in shadow and clearing the shadow
 * move pointers. Each change writes, in its transaction, the tenant's whole state (active + shadow)
 * for {@code fleet.risk.rule-sets.v1} and a {@code RiskRuleSetChanged} event, and answers once Kafka
 * acknowledged the state ({@link RuleSetEvents#deliver()}). Version 0, the built-in default, is every
 * tenant's and can be activated or shadowed like a stored one. Each method is empty when the tenant
 * does not exist.
 */
public class RuleSetAdmin {

    private final RuleSetStore store;
    private final RuleSetEvents events;
    private final Clock clock;

    public RuleSetAdmin(RuleSetStore store, RuleSetEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Stores {@code rules} as the tenant's next version (not yet active).
     *
     * @throws dev.fleet.platform.risk.InvalidRuleSetException when it does not compile (for a tenant that
     *     exists), before anything is stored
     */
    @Transactional
    public Mono<RiskRuleSetVersion> create(UUID tenantId, List<RiskRule> rules, double reviewAt, double declineAt) {
        RiskRuleSetVersion draft = new RiskRuleSetVersion(0, new ArrayList<>(rules), reviewAt, declineAt,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        return locked(tenantId, () -> store.latestVersion(tenantId).flatMap(latest -> {
            RiskRuleSets.compile(draft);
            RiskRuleSetVersion version = RiskRuleSetVersion.newBuilder(draft).setVersion(latest + 1).build();
            return store.insert(tenantId, version)
                    .then(store.pointers(tenantId))
                    .flatMap(pointers -> announce(tenantId, pointers, version.getVersion(), "created"))
                    .thenReturn(version);
        }));
    }

    /** The tenant's versions (the default first) and its pointers. */
    public Mono<RuleSetOverview> overview(UUID tenantId) {
        return store.tenantExists(tenantId).flatMap(exists -> exists
                ? store.versions(tenantId).collectList().zipWith(store.pointers(tenantId), (stored, pointers) -> {
                    List<RiskRuleSetVersion> all = new ArrayList<>();
                    all.add(DefaultRiskRules.version());
                    all.addAll(stored);
                    return new RuleSetOverview(all, pointers);
                })
                : Mono.empty());
    }

    /** Enforces {@code version} from now on; if it was the shadow, the shadow is cleared. */
    @Transactional
    public Mono<RuleSetOverview> activate(UUID tenantId, int version) {
        return move(tenantId, version, "activated", (pointers, v) -> pointers.activate(v));
    }

    /** Runs {@code version} in shadow beside the active one (replacing any other shadow). */
    @Transactional
    public Mono<RuleSetOverview> shadow(UUID tenantId, int version) {
        return move(tenantId, version, "shadowed", (pointers, v) -> {
            if (pointers.active() == v) {
                throw new RuleSetChangeException(Kind.CONFLICT, "version " + v
                        + " is the active version; a shadow runs a candidate beside it");
            }
            return pointers.shadowing(v);
        });
    }

    /** Stops running the shadow version. */
    @Transactional
    public Mono<RuleSetOverview> clearShadow(UUID tenantId) {
        return locked(tenantId, () -> store.pointers(tenantId).flatMap(pointers -> {
            if (pointers.shadow() == null) {
                return Mono.error(new RuleSetChangeException(Kind.NO_SHADOW, "the tenant has no shadow rule set"));
            }
            RuleSetPointers moved = pointers.shadowing(null);
            return store.savePointers(tenantId, moved, clock.instant())
                    .then(announce(tenantId, moved, pointers.shadow(), "shadow_cleared"))
                    .then(overview(tenantId));
        }));
    }

    private Mono<RuleSetOverview> move(UUID tenantId, int version, String change,
            BiFunction<RuleSetPointers, Integer, RuleSetPointers> how) {
        return locked(tenantId, () -> version(tenantId, version)
                .switchIfEmpty(Mono.error(() -> new RuleSetChangeException(Kind.UNKNOWN_VERSION,
                        "the tenant has no rule-set version " + version)))
                .then(store.pointers(tenantId))
                .flatMap(pointers -> {
                    RuleSetPointers moved = how.apply(pointers, version);
                    return store.savePointers(tenantId, moved, clock.instant())
                            .then(announce(tenantId, moved, version, change));
                })
                .then(overview(tenantId)));
    }

    private <T> Mono<T> locked(UUID tenantId, Supplier<Mono<T>> change) {
        return store.lockTenant(tenantId).flatMap(exists -> exists ? change.get() : Mono.empty());
    }

    private Mono<RiskRuleSetVersion> version(UUID tenantId, int version) {
        return version == DefaultRiskRules.VERSION ? Mono.just(DefaultRiskRules.version())
                : version < 0 ? Mono.empty() : store.find(tenantId, version);
    }

    private Mono<Void> announce(UUID tenantId, RuleSetPointers pointers, int version, String change) {
        Mono<RiskRuleSetVersion> shadow = pointers.shadow() == null ? Mono.empty()
                : version(tenantId, pointers.shadow());
        return version(tenantId, pointers.active())
                .zipWith(shadow.map(Optional::of).defaultIfEmpty(Optional.empty()))
                .flatMap(both -> Actors.current().flatMap(actor -> events.ruleSetChanged(tenantId, RiskRuleSet.newBuilder()
                        .setTenantId(tenantId.toString())
                        .setActive(both.getT1())
                        .setShadow(both.getT2().orElse(null))
                        .setUpdatedAt(clock.instant())
                        .build(), version, change, actor)))
                .then(events.deliver());
    }
}
