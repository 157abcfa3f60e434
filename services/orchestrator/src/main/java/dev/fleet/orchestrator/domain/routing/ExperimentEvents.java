package dev.fleet.orchestrator.domain.routing;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ExperimentAssigned;
import dev.fleet.orchestrator.domain.ArmAssignment;
import dev.fleet.orchestrator.domain.EventIds;

/** The subject and ids of experiment events, derived so that replays produce the same ones. */
public final class ExperimentEvents {

    private ExperimentEvents() {
    }

    /** {@code experiment/<alias>/<experiment>}: what analytics groups an experiment's events by. */
    public static String subject(ArmAssignment arm) {
        return "experiment/" + arm.alias() + "/" + arm.experiment();
    }

    /** One id per (tenant, alias, experiment, user): a replayed first assignment is the same event. */
    public static String assignedEventId(String tenantId, ArmAssignment arm) {
        return EventIds.derive(tenantId + "\0" + arm.alias() + "\0" + arm.experiment() + "\0" + arm.user(),
                "experiment-assigned");
    }

    public static ExperimentAssigned assigned(ChatRequested request, ArmAssignment arm) {
        return new ExperimentAssigned(arm.experiment(), arm.alias(), arm.arm(), arm.user(), arm.bucket(),
                request.getRequestId());
    }
}
