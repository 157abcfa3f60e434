package dev.fleet.orchestrator.domain.console;

import java.util.List;

/** One experiment on one alias, its arms ordered by name (or as the experiment's definition lists them). */
public record ExperimentResult(String alias, String experiment, List<ArmResult> arms) {

    public ExperimentResult {
        arms = List.copyOf(arms);
    }

    public long assignments() {
        return arms.stream().mapToLong(ArmResult::assignments).sum();
    }

    public long outcomes() {
        return arms.stream().mapToLong(ArmResult::outcomes).sum();
    }
}
