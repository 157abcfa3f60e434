package dev.fleet.orchestrator.domain.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.ErrorType;
import dev.fleet.orchestrator.domain.ChatFailure;

class PromptResolverTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private final PromptRegistry registry = new PromptRegistry();
    private final PromptResolver resolver = new PromptResolver(registry);

    PromptResolverTest() {
        registry.apply(PromptRegistry.key("t1", "support"), PromptConfig.empty("t1", "support", NOW)
                .withVersion("You are a {{tone}} assistant.", List.of("production"), NOW)
                .withVersion("You are a {{tone}}, careful assistant.", List.of("staging"), NOW));
    }

    @Test
    void shouldUseTheProductionLabelByDefault() {
        assertThat(resolver.resolve("t1", Map.of("prompt", "support", "var_tone", "friendly")))
                .contains(new PromptResolver.RenderedPrompt("support", 1, "You are a friendly assistant."));
    }

    @Test
    void shouldUseANamedLabelOrVersion() {
        assertThat(resolver.resolve("t1", Map.of("prompt", "support", "prompt_label", "staging", "var_tone", "calm")))
                .map(PromptResolver.RenderedPrompt::version).contains(2);
        assertThat(resolver.resolve("t1", Map.of("prompt", "support", "prompt_version", "1", "var_tone", "calm")))
                .map(PromptResolver.RenderedPrompt::text).contains("You are a calm assistant.");
    }

    @Test
    void shouldSeeALabelMoveAppliedToTheRegistry() {
        // when
        registry.apply(PromptRegistry.key("t1", "support"),
                registry.find("t1", "support").orElseThrow().withLabel("production", 2, NOW));

        // then
        assertThat(resolver.resolve("t1", Map.of("prompt", "support", "var_tone", "calm")))
                .map(PromptResolver.RenderedPrompt::version).contains(2);
    }

    @Test
    void shouldRefuseUnknownPromptsMissingVariablesAndOtherTenantsPrompts() {
        assertInvalid(Map.of("prompt", "nope", "var_tone", "calm"), "no prompt 'nope'");
        assertInvalid(Map.of("prompt", "support"), "var_tone");
        assertInvalid(Map.of("prompt", "support", "prompt_label", "canary", "var_tone", "x"), "no label 'canary'");
        assertInvalid(Map.of("prompt", "support", "prompt_version", "9", "var_tone", "x"), "no version 9");
        assertInvalid(Map.of("prompt", "support", "prompt_version", "two"), "prompt_version");
        assertThatThrownBy(() -> resolver.resolve("t2", Map.of("prompt", "support", "var_tone", "x")))
                .hasMessageContaining("no prompt 'support'");
    }

    @Test
    void shouldLeaveRequestsWithoutAPromptAlone() {
        assertThat(resolver.resolve("t1", Map.of("collection", "docs"))).isEmpty();
    }

    private void assertInvalid(Map<String, String> metadata, String message) {
        assertThatThrownBy(() -> resolver.resolve("t1", metadata))
                .isInstanceOfSatisfying(ChatFailure.class,
                        f -> assertThat(f.type()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR))
                .hasMessageContaining(message);
    }
}
