package dev.fleet.orchestrator.domain.risk;

/**
 * Which of a tenant's rule-set versions the scorer enforces and which it runs in shadow.
 *
 * @param active the enforced version; {@code 0} is the built-in default
 * @param shadow the version run beside it without being enforced, or {@code null}
 */
public record RuleSetPointers(int active, Integer shadow) {

    /** A tenant that never chose: the default, no shadow. */
    public static final RuleSetPointers DEFAULT = new RuleSetPointers(0, null);

    RuleSetPointers activate(int version) {
        return new RuleSetPointers(version, shadow != null && shadow == version ? null : shadow);
    }

    RuleSetPointers shadowing(Integer version) {
        return new RuleSetPointers(active, version);
    }
}
