package dev.fleet.orchestrator.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ChatOptions;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ExperimentOutcome;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.orchestrator.domain.ArmAssignment;
import dev.fleet.orchestrator.domain.EventIds;
import dev.fleet.orchestrator.domain.RecordingExchange;
import dev.fleet.orchestrator.domain.RouteOutcome;
import dev.fleet.orchestrator.domain.RoutePlan;
import dev.fleet.schemas.ChatMessages;

import reactor.core.publisher.Mono;

class AliasRoutesTest {

    private static final String TENANT = "6f1c2b8e-4d0a-4c55-9d7e-0b5f3a2e9c11";
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final ModelTarget MINI = new ModelTarget("openai", "gpt-4o-mini");
    private static final ModelTarget BIG = new ModelTarget("openai", "gpt-4o");
    private static final ModelTarget LOCAL = new ModelTarget("ollama", "llama3");

    private final AliasRegistry registry = new AliasRegistry();
    private final List<ArmAssignment> recorded = new CopyOnWriteArrayList<>();
    private final AliasRoutes routes = new AliasRoutes(registry, (request, arm) -> {
        recorded.add(arm);
        return Mono.just(true);
    }, Clock.fixed(NOW, ZoneOffset.UTC), "orchestrator");

    @Test
    void sendsAModelThatIsNoAliasAsItCame() {
        RoutePlan plan = routes.plan(request("gpt-4o", "u1")).block();

        assertThat(plan).isEqualTo(RoutePlan.direct("gpt-4o"));
    }

    @Test
    void sendsAnAliasToItsTargetsInOrder() {
        registry.apply("chat", alias(null));

        RoutePlan plan = routes.plan(request("chat", "u1")).block();

        assertThat(plan.targets()).containsExactly(MINI, LOCAL);
        assertThat(plan.arm()).isNull();
        assertThat(plan.requestedModel()).isEqualTo("chat");
    }

    @Test
    void sendsAUserToTheTargetsOfTheirArmAndRecordsTheAssignment() {
        registry.apply("chat", alias(experiment()));
        int bucket = ExperimentBuckets.bucket(TENANT, "user-42", "tone-test"); // 2918: control (0-8999)

        RoutePlan plan = routes.plan(request("chat", "user-42")).block();

        assertThat(plan.arm()).isEqualTo(new ArmAssignment("tone-test", "chat", "control", "user-42", bucket));
        assertThat(plan.targets()).containsExactly(MINI);
        assertThat(recorded).containsExactly(plan.arm());
    }

    @Test
    void leavesRequestsWithoutAUserOutOfTheExperiment() {
        registry.apply("chat", alias(experiment()));

        RoutePlan plan = routes.plan(request("chat", null)).block();

        assertThat(plan.targets()).containsExactly(MINI, LOCAL);
        assertThat(plan.arm()).isNull();
        assertThat(recorded).isEmpty();
    }

    @Test
    void stillRoutesWhenTheAssignmentCannotBeRecorded() {
        registry.apply("chat", alias(experiment()));
        AliasRoutes failing = new AliasRoutes(registry, (request, arm) -> Mono.error(new IllegalStateException("db")),
                Clock.systemUTC(), "orchestrator");

        RoutePlan plan = failing.plan(request("chat", "user-42")).block();

        assertThat(plan.arm().arm()).isEqualTo("control");
    }

    @Test
    void stopsRoutingByAnAliasOnceItIsRemoved() {
        registry.apply("chat", alias(null));
        registry.apply("chat", null);

        assertThat(routes.plan(request("chat", "u1")).block()).isEqualTo(RoutePlan.direct("chat"));
    }

    @Test
    void reportsTheOutcomeOfAnExperimentRequestOnceUnderAnIdDerivedFromTheRequest() {
        registry.apply("chat", alias(experiment()));
        ChatRequested request = request("chat", "user-42");
        RoutePlan plan = routes.plan(request).block();
        RecordingExchange exchange = new RecordingExchange();

        routes.finished(plan, request, new RouteOutcome(true, NOW.minusMillis(700), NOW, 12, 30, null), exchange)
                .block();

        assertThat(exchange.events).singleElement().satisfies(event -> {
            assertThat(event.getEventId()).isEqualTo(EventIds.derive(request.getRequestId(), "experiment-outcome"));
            assertThat(event.getTenantId()).isEqualTo(TENANT);
            assertThat(event.getSubject()).isEqualTo("experiment/chat/tone-test");
            assertThat(event.getPayload()).isEqualTo(ExperimentOutcome.newBuilder()
                    .setExperiment("tone-test").setAlias("chat").setArm("control").setUser("user-42")
                    .setRequestId(request.getRequestId()).setSucceeded(true)
                    .setLatencyMillis(1000).setTimeToFirstTokenMillis(300L)
                    .setPromptTokens(12).setCompletionTokens(30).setErrorCode(null).build());
        });
    }

    @Test
    void reportsNoOutcomeForARequestNoExperimentRouted() {
        RecordingExchange exchange = new RecordingExchange();

        routes.finished(RoutePlan.direct("gpt-4o"), request("gpt-4o", "u1"),
                new RouteOutcome(false, null, NOW, 0, 0, "timeout"), exchange).block();

        assertThat(exchange.events).isEmpty();
    }

    private static ModelAlias alias(Experiment experiment) {
        return new ModelAlias("chat", List.of(MINI, LOCAL), experiment, NOW);
    }

    private static Experiment experiment() {
        return new Experiment("tone-test", List.of(new ExperimentArm("control", 90, List.of(MINI)),
                new ExperimentArm("candidate", 10, List.of(BIG))), NOW);
    }

    private static ChatRequested request(String model, String user) {
        return ChatRequested.newBuilder()
                .setRequestId("req-" + System.nanoTime())
                .setTenantId(TENANT)
                .setConversationId("c1")
                .setModel(model)
                .setMessages(List.of(ChatMessages.text(ChatRole.USER, "hi")))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-test")
                .setRequestedAt(NOW.minusSeconds(1))
                .setOptions(user == null ? null : ChatOptions.newBuilder().setUser(user).build())
                .build();
    }
}
