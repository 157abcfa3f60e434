package dev.fleet.scorer.domain.risk;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.platform.risk.CompiledRuleSet;
import dev.fleet.platform.risk.InvalidRuleSetException;
import dev.fleet.platform.risk.RiskRuleSets;

/**
 * Each tenant's rule-set versions compiled once, not per transaction: a version is immutable once
 * published, so (tenant, version, creation time) identifies it. A version that does not compile (the
 * orchestrator refuses those, so only a record written around it) is logged once and reported empty.
 * Shared by the stream threads; the least recently used versions are dropped beyond
 * {@link #MAX_VERSIONS}.
 */
public final class CompiledRuleSets {

    /** The most compiled versions kept. */
    public static final int MAX_VERSIONS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(CompiledRuleSets.class);

    private record Key(String tenantId, int version, Instant createdAt) {
    }

    private final Map<Key, Optional<CompiledRuleSet>> compiled = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Optional<CompiledRuleSet>> eldest) {
            return size() > MAX_VERSIONS;
        }
    };
    private long compilations;

    /** {@code version} of {@code tenantId}'s rules compiled; empty when it does not compile. */
    public synchronized Optional<CompiledRuleSet> of(String tenantId, RiskRuleSetVersion version) {
        return compiled.computeIfAbsent(new Key(tenantId, version.getVersion(), version.getCreatedAt()), key -> {
            compilations++;
            try {
                return Optional.of(RiskRuleSets.compile(version));
            } catch (InvalidRuleSetException e) {
                log.error("rule set version {} of tenant {} does not compile, not applying it: {}", key.version(),
                        key.tenantId(), e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** How many versions were compiled so far (each once while it stays cached). */
    public synchronized long compilations() {
        return compilations;
    }
}
