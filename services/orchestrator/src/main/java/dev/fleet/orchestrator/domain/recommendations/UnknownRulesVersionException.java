package dev.fleet.orchestrator.domain.recommendations;

/** A version of a collection's recommendation rules that does not exist was asked to be activated. */
public class UnknownRulesVersionException extends RuntimeException {

    public UnknownRulesVersionException(String message) {
        super(message);
    }
}
