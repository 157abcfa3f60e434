package dev.fleet.orchestrator.domain.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ModelTarget;

/**
 * What makes an alias or an experiment acceptable: a name that is not a real model's (a client
 * could not tell them apart), at least one target, every target served by a configured provider
 * (so a typo is refused at the admin API, not at the first request), and for experiments at
 * least two arms with distinct names and positive weights.
 */
public final class AliasRules {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}");
    private static final int MAX_TARGETS = 10;
    private static final int MAX_ARMS = 10;

    private final Set<String> models;
    private final Predicate<ModelTarget> served;

    /**
     * @param models the model names providers serve (an alias may not take one)
     * @param served whether a configured provider serves a target
     */
    public AliasRules(Set<String> models, Predicate<ModelTarget> served) {
        this.models = Set.copyOf(models);
        this.served = served;
    }

    public void checkAlias(String alias) {
        if (alias == null || !NAME.matcher(alias).matches()) {
            throw new InvalidAliasException("an alias is 1-100 letters, digits, '.', '_', ':', '/' or '-', "
                    + "starting with a letter or digit", "alias");
        }
        if (models.contains(alias)) {
            throw new InvalidAliasException("'" + alias + "' is the name of a model a provider serves; "
                    + "an alias needs a name of its own", "alias");
        }
    }

    public void checkTargets(List<ModelTarget> targets, String parameter) {
        if (targets == null || targets.isEmpty()) {
            throw new InvalidAliasException("targets must name at least one {provider, model}", parameter);
        }
        if (targets.size() > MAX_TARGETS) {
            throw new InvalidAliasException("at most " + MAX_TARGETS + " targets", parameter);
        }
        for (ModelTarget target : targets) {
            if (target == null || blank(target.getProvider()) || blank(target.getModel())) {
                throw new InvalidAliasException("every target needs a provider and a model", parameter);
            }
            if (!served.test(target)) {
                throw new InvalidAliasException("no configured provider '" + target.getProvider()
                        + "' serves the model '" + target.getModel() + "'", parameter);
            }
        }
    }

    public void checkExperiment(String name, List<ExperimentArm> arms) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidAliasException("an experiment name is 1-100 letters, digits, '.', '_', ':', '/' or '-', "
                    + "starting with a letter or digit", "name");
        }
        if (arms == null || arms.size() < 2 || arms.size() > MAX_ARMS) {
            throw new InvalidAliasException("an experiment needs 2-" + MAX_ARMS + " arms", "arms");
        }
        Set<String> names = new HashSet<>();
        for (ExperimentArm arm : arms) {
            if (arm == null || arm.getName() == null || !NAME.matcher(arm.getName()).matches()) {
                throw new InvalidAliasException("every arm needs a name (letters, digits, '.', '_', ':', '/' or '-')",
                        "arms");
            }
            if (!names.add(arm.getName())) {
                throw new InvalidAliasException("two arms are named '" + arm.getName() + "'", "arms");
            }
            if (arm.getWeight() <= 0 || arm.getWeight() > ExperimentBuckets.BUCKETS) {
                throw new InvalidAliasException("the weight of arm '" + arm.getName() + "' must be 1-"
                        + ExperimentBuckets.BUCKETS, "arms");
            }
            checkTargets(arm.getTargets(), "arms");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** A change the rules refuse; the message says why, fit for the client. */
    public static final class InvalidAliasException extends RuntimeException {

        private final String parameter;

        public InvalidAliasException(String message, String parameter) {
            super(message, null, false, false);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }
}
