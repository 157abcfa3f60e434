package dev.fleet.orchestrator.domain;

import java.util.List;

import dev.fleet.events.v1.ModelTarget;

/**
 * Where one chat request goes: the targets to try in order (the first preferred, the rest
 * fallbacks), and the experiment arm that chose them, if an experiment did. Decided by
 * {@link ModelRoutes} before generation; carried out by {@link ChatRouter}.
 *
 * @param requestedModel the model name the client sent (a model or an alias)
 * @param targets        never empty; a target with an empty provider means "whichever provider
 *                       serves this model name"
 * @param arm            the experiment arm that chose the targets; null when no experiment did
 */
public record RoutePlan(String requestedModel, List<ModelTarget> targets, ArmAssignment arm) {

    /** Matches any provider that serves the target's model name. */
    public static final String ANY_PROVIDER = "";

    public RoutePlan {
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one target");
        }
    }

    /** The model name as it came, served by whichever provider serves it. */
    public static RoutePlan direct(String model) {
        return new RoutePlan(model, List.of(new ModelTarget(ANY_PROVIDER, model)), null);
    }
}
