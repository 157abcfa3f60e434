package dev.fleet.orchestrator.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ModelTarget;

class AliasRulesTest {

    private static final ModelTarget MINI = new ModelTarget("openai", "gpt-4o-mini");
    private static final ModelTarget BIG = new ModelTarget("openai", "gpt-4o");

    private final AliasRules rules = new AliasRules(Set.of("gpt-4o-mini", "gpt-4o", "extractive"),
            target -> "openai".equals(target.getProvider()) && target.getModel().startsWith("gpt-"));

    @Test
    void acceptsAnAliasWithServedTargetsAndAWeightedExperiment() {
        assertThatCode(() -> {
            rules.checkAlias("chat-default");
            rules.checkTargets(List.of(MINI, BIG), "targets");
            rules.checkExperiment("tone-test", List.of(arm("control", 90, MINI), arm("candidate", 10, BIG)));
        }).doesNotThrowAnyException();
    }

    @Test
    void refusesAnAliasNamedLikeARealModelOrMalformed() {
        assertRefused(() -> rules.checkAlias("gpt-4o-mini"), "alias", "a provider serves");
        assertRefused(() -> rules.checkAlias("-leading-dash"), "alias", "starting with a letter or digit");
        assertRefused(() -> rules.checkAlias(""), "alias", "1-100");
    }

    @Test
    void refusesEmptyIncompleteOrUnservedTargets() {
        assertRefused(() -> rules.checkTargets(List.of(), "targets"), "targets", "at least one");
        assertRefused(() -> rules.checkTargets(null, "targets"), "targets", "at least one");
        assertRefused(() -> rules.checkTargets(List.of(new ModelTarget("openai", " ")), "targets"), "targets",
                "a provider and a model");
        assertRefused(() -> rules.checkTargets(List.of(new ModelTarget("ollama", "gpt-4o")), "targets"), "targets",
                "no configured provider 'ollama' serves the model 'gpt-4o'");
    }

    @Test
    void refusesExperimentsWithBadWeightsDuplicateArmsOrOneArm() {
        assertRefused(() -> rules.checkExperiment("t", List.of(arm("a", 0, MINI), arm("b", 10, BIG))), "arms",
                "weight of arm 'a'");
        assertRefused(() -> rules.checkExperiment("t", List.of(arm("a", -5, MINI), arm("b", 10, BIG))), "arms",
                "weight of arm 'a'");
        assertRefused(() -> rules.checkExperiment("t", List.of(arm("a", 50, MINI), arm("a", 50, BIG))), "arms",
                "two arms are named 'a'");
        assertRefused(() -> rules.checkExperiment("t", List.of(arm("a", 50, MINI))), "arms", "2-10 arms");
        assertRefused(() -> rules.checkExperiment("t", List.of(arm("a", 50, MINI),
                arm("b", 50, new ModelTarget("openai", "unknown")))), "arms", "serves the model 'unknown'");
        assertRefused(() -> rules.checkExperiment(null, List.of(arm("a", 50, MINI), arm("b", 50, BIG))), "name",
                "experiment name");
    }

    private static ExperimentArm arm(String name, int weight, ModelTarget target) {
        return new ExperimentArm(name, weight, List.of(target));
    }

    private static void assertRefused(Runnable check, String parameter, String message) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(AliasRules.InvalidAliasException.class, e -> {
            assertThat(e.parameter()).isEqualTo(parameter);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
