package dev.fleet.gateway.domain.risk;

import java.util.List;
import java.util.stream.Collectors;

import dev.fleet.platform.risk.TransactionProblem;

/** A transaction failed {@link dev.fleet.platform.risk.TransactionChecks}; nothing was published. */
public class InvalidTransactionException extends RuntimeException {

    private final transient List<TransactionProblem> problems;

    public InvalidTransactionException(List<TransactionProblem> problems) {
        super(problems.stream().map(p -> p.field() + " " + p.message()).collect(Collectors.joining("; ")), null,
                false, false);
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in the order the checks report them (at least one). */
    public List<TransactionProblem> problems() {
        return problems;
    }
}
