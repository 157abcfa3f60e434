package dev.fleet.platform.risk;

import java.util.List;
import java.util.stream.Collectors;

/** A rule set that cannot be applied; nothing of it is. */
public final class InvalidRuleSetException extends IllegalArgumentException {

    private final transient List<RuleSetProblem> problems;

    InvalidRuleSetException(List<RuleSetProblem> problems) {
        super(problems.stream().map(RuleSetProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in rule order. */
    public List<RuleSetProblem> problems() {
        return problems;
    }
}
