package dev.fleet.orchestrator.domain.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ExperimentOutcome;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.orchestrator.domain.ArmAssignment;
import dev.fleet.orchestrator.domain.ChatExchange;
import dev.fleet.orchestrator.domain.DomainEvents;
import dev.fleet.orchestrator.domain.EventIds;
import dev.fleet.orchestrator.domain.ModelRoutes;
import dev.fleet.orchestrator.domain.RouteOutcome;
import dev.fleet.orchestrator.domain.RoutePlan;

import reactor.core.publisher.Mono;

/**
 * Routes by model alias: a model name that is an alias goes to the alias's targets, or — when an
 * experiment runs on it and the request names a {@code user} — to the targets of the user's arm
 * ({@link ExperimentBuckets}); any other name goes as it came. The first request of a user in an
 * experiment records the assignment ({@link ExperimentAssignments}); every request an experiment
 * routed ends with one {@code ExperimentOutcome} event (its id derived from the request id, so a
 * redelivered request does not count twice).
 * <p>
 * Requests without {@code user} are served by the alias's own targets and take no part in the
 * experiment (no assignment, no outcome): without a stable user there is nothing to keep sticky,
 * and counting them in an arm would mix anonymous traffic into the result. See decision 0022.
 * <p>
 * An assignment that cannot be recorded (database away) does not fail the request: the arm is the
 * same either way, and the next request of the user records it.
 */
public class AliasRoutes implements ModelRoutes {

    private static final Logger log = LoggerFactory.getLogger(AliasRoutes.class);

    private final AliasRegistry aliases;
    private final ExperimentAssignments assignments;
    private final Clock clock;
    private final String producedBy;

    public AliasRoutes(AliasRegistry aliases, ExperimentAssignments assignments, Clock clock, String producedBy) {
        this.aliases = aliases;
        this.assignments = assignments;
        this.clock = clock;
        this.producedBy = producedBy;
    }

    @Override
    public Mono<RoutePlan> plan(ChatRequested request) {
        String model = request.getModel();
        ModelAlias alias = aliases.find(model).orElse(null);
        if (alias == null) {
            return Mono.just(RoutePlan.direct(model));
        }
        Experiment experiment = alias.getExperiment();
        String user = user(request);
        if (experiment == null || user == null) {
            return Mono.just(new RoutePlan(model, alias.getTargets(), null));
        }
        int bucket = ExperimentBuckets.bucket(request.getTenantId(), user, experiment.getName());
        ExperimentArm arm = ExperimentBuckets.arm(experiment, bucket);
        ArmAssignment assignment = new ArmAssignment(experiment.getName(), alias.getAlias(), arm.getName(), user,
                bucket);
        RoutePlan plan = new RoutePlan(model, arm.getTargets(), assignment);
        return assignments.recordFirst(request, assignment)
                .onErrorResume(e -> {
                    log.warn("request {}: the assignment of a user to arm {} of experiment {} was not recorded "
                            + "(the next request records it): {}", request.getRequestId(), arm.getName(),
                            experiment.getName(), e.toString());
                    return Mono.just(false);
                })
                .thenReturn(plan);
    }

    @Override
    public Mono<Void> finished(RoutePlan plan, ChatRequested request, RouteOutcome outcome, ChatExchange exchange) {
        ArmAssignment arm = plan.arm();
        if (arm == null) {
            return Mono.empty();
        }
        Instant requestedAt = request.getRequestedAt();
        ExperimentOutcome payload = ExperimentOutcome.newBuilder()
                .setExperiment(arm.experiment())
                .setAlias(arm.alias())
                .setArm(arm.arm())
                .setUser(arm.user())
                .setRequestId(request.getRequestId())
                .setSucceeded(outcome.succeeded())
                .setLatencyMillis(millis(requestedAt, outcome.finishedAt()))
                .setTimeToFirstTokenMillis(outcome.firstTextAt() == null ? null
                        : millis(requestedAt, outcome.firstTextAt()))
                .setPromptTokens(outcome.promptTokens())
                .setCompletionTokens(outcome.completionTokens())
                .setErrorCode(outcome.errorCode())
                .build();
        return exchange.event(DomainEvents.of(clock, producedBy, request.getTenantId(),
                EventIds.derive(request.getRequestId(), "experiment-outcome"), ExperimentEvents.subject(arm), payload));
    }

    private static long millis(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toMillis());
    }

    private static String user(ChatRequested request) {
        String user = request.getOptions() == null ? null : request.getOptions().getUser();
        return user == null || user.isEmpty() ? null : user;
    }
}
