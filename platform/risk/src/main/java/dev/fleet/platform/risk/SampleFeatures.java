package dev.fleet.platform.risk;

import java.util.List;

import dev.fleet.events.v1.RiskFeatures;

/** Feature values every condition is tried on before a rule set is accepted: a first transaction and a busy account. */
final class SampleFeatures {

    static final RiskFeatures FIRST = new RiskFeatures(1, 10.0, 1, 10.0, 1, 10.0, 1, 1, 0.0, 0L, true, -1L, false,
            false);
    static final RiskFeatures BUSY = new RiskFeatures(3, 300.0, 12, 1_200.0, 40, 4_000.0, 3, 2, 2.5, 120L, false, 42L,
            true, true);
    static final List<RiskFeatures> ALL = List.of(FIRST, BUSY);

    private SampleFeatures() {
    }
}
