package dev.fleet.orchestrator.domain.routing;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.orchestrator.domain.ArmAssignment;

import reactor.core.publisher.Mono;

/**
 * The record of who was assigned to which arm: the first assignment of a (tenant, user) to an
 * experiment is stored once, and only that first one announces {@code ExperimentAssigned}.
 */
public interface ExperimentAssignments {

    /** True when this was the user's first request in the experiment (and the assignment was recorded now). */
    Mono<Boolean> recordFirst(ChatRequested request, ArmAssignment assignment);
}
