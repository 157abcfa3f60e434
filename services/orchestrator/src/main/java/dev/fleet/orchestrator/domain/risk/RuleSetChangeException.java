package dev.fleet.orchestrator.domain.risk;

/** A rule-set change that cannot be made: an unknown version, or a state it contradicts. */
public class RuleSetChangeException extends RuntimeException {

    /** Why the change was refused. */
    public enum Kind {
        UNKNOWN_VERSION, NO_SHADOW, CONFLICT
    }

    private final Kind kind;

    public RuleSetChangeException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
