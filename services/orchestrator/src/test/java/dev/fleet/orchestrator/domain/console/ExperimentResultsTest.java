package dev.fleet.orchestrator.domain.console;

import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.assigned;
import static dev.fleet.orchestrator.domain.console.ConsoleFixtures.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.TenantCreated;

class ExperimentResultsTest {

    private final ExperimentResults results = new ExperimentResults(1000);

    private static String id() {
        return UUID.randomUUID().toString();
    }

    @Test
    void computesAssignmentsSuccessRateLatencyAndTokensPerArm() {
        // given two users on control, one on candidate, and their requests' outcomes
        results.apply(assigned(id(), "t1", "chat", "exp1", "control", "u1"));
        results.apply(assigned(id(), "t2", "chat", "exp1", "control", "u2"));
        results.apply(assigned(id(), "t1", "chat", "exp1", "candidate", "u3"));
        results.apply(outcome(id(), "t1", "chat", "exp1", "control", true, 10, 100, 50));
        results.apply(outcome(id(), "t1", "chat", "exp1", "control", true, 30, 100, 150));
        results.apply(outcome(id(), "t2", "chat", "exp1", "control", false, 20, 40, 0));
        results.apply(outcome(id(), "t1", "chat", "exp1", "candidate", true, 5, 10, 10));
        // when
        ExperimentResult exp = results.experiment("chat", "exp1").orElseThrow();
        // then arms are ordered by name, each with its own numbers
        assertThat(exp.arms()).extracting(ArmResult::arm).containsExactly("candidate", "control");
        ArmResult control = exp.arms().get(1);
        assertThat(control.assignments()).isEqualTo(2);
        assertThat(control.outcomes()).isEqualTo(3);
        assertThat(control.successes()).isEqualTo(2);
        assertThat(control.successRate()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(control.latencyP50Millis()).isEqualTo(20);
        assertThat(control.latencyMeanMillis()).isEqualTo(20.0);
        assertThat(control.promptTokensMean()).isEqualTo(80.0);
        assertThat(control.completionTokensMean()).isCloseTo(200 / 3.0, within(1e-9));
        assertThat(control.tokensMean()).isCloseTo(440 / 3.0, within(1e-9));
        assertThat(exp.assignments()).isEqualTo(3);
        assertThat(exp.outcomes()).isEqualTo(4);
    }

    @Test
    void aRedeliveredEventCountsOnce() {
        String assignment = id();
        String outcome = id();
        results.apply(assigned(assignment, "t1", "chat", "exp1", "control", "u1"));
        results.apply(assigned(assignment, "t1", "chat", "exp1", "control", "u1"));
        results.apply(outcome(outcome, "t1", "chat", "exp1", "control", true, 10, 1, 1));
        results.apply(outcome(outcome, "t1", "chat", "exp1", "control", true, 10, 1, 1));

        ArmResult control = results.experiment("chat", "exp1").orElseThrow().arms().get(0);
        assertThat(control.assignments()).isEqualTo(1);
        assertThat(control.outcomes()).isEqualTo(1);
    }

    @Test
    void anArmWithoutOutcomesHasNoRatesAndOtherEventsAreIgnored() {
        results.apply(assigned(id(), "t1", "chat", "exp1", "control", "u1"));
        results.apply(DomainEvent.newBuilder().setEventId(id()).setTenantId("t1").setOccurredAt(Instant.now())
                .setActor("admin").setSubject("tenant/t1").setProducedBy("orchestrator")
                .setPayload(TenantCreated.newBuilder().setName("acme").setPlan(dev.fleet.events.v1.Plan.values()[0]).build()).build());

        ArmResult control = results.experiment("chat", "exp1").orElseThrow().arms().get(0);
        assertThat(control.outcomes()).isZero();
        assertThat(control.successRate()).isNull();
        assertThat(control.latencyP50Millis()).isNull();
        assertThat(results.all()).hasSize(1);
        assertThat(results.experiment("chat", "other")).isEmpty();
        assertThat(results.ofAlias("nothing")).isEmpty();
    }

    @Test
    void listsEveryDefinedArmInItsOrderThenArmsSeenButNoLongerDefined() {
        results.apply(outcome(id(), "t1", "chat", "exp1", "candidate", true, 10, 1, 1));
        results.apply(outcome(id(), "t1", "chat", "exp1", "retired", true, 10, 1, 1));
        dev.fleet.events.v1.Experiment definition = new dev.fleet.events.v1.Experiment("exp1", List.of(
                new dev.fleet.events.v1.ExperimentArm("control", 50, List.of()),
                new dev.fleet.events.v1.ExperimentArm("candidate", 50, List.of())), Instant.now());

        ExperimentResult result = results.experiment("chat", definition);

        assertThat(result.arms()).extracting(ArmResult::arm, ArmResult::outcomes).containsExactly(
                org.assertj.core.groups.Tuple.tuple("control", 0L), org.assertj.core.groups.Tuple.tuple("candidate", 1L),
                org.assertj.core.groups.Tuple.tuple("retired", 1L));
        assertThat(results.experiment("other-alias", definition).arms()).extracting(ArmResult::outcomes)
                .containsExactly(0L, 0L);
    }

    @Test
    void keepsExperimentsOfDifferentAliasesApart() {
        results.apply(assigned(id(), "t1", "chat", "exp1", "control", "u1"));
        results.apply(assigned(id(), "t1", "summarize", "exp1", "control", "u1"));
        results.apply(assigned(id(), "t1", "chat", "exp2", "control", "u1"));

        assertThat(results.all()).extracting(ExperimentResult::alias, ExperimentResult::experiment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("chat", "exp1"),
                        org.assertj.core.groups.Tuple.tuple("chat", "exp2"),
                        org.assertj.core.groups.Tuple.tuple("summarize", "exp1"));
        assertThat(results.ofAlias("chat")).hasSize(2);
    }
}
