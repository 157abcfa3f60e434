package dev.fleet.orchestrator.domain.prompts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    @Test
    void shouldRenderVariablesWithoutHtmlEscaping() {
        // given
        PromptTemplate template = PromptTemplate.compile("You are a {{tone}} assistant for {{company}}.");

        // when
        String text = template.render(Map.of("tone", "terse", "company", "Smith & <Sons>"));

        // then
        assertThat(text).isEqualTo("You are a terse assistant for Smith & <Sons>.");
    }

    @Test
    void shouldRefuseToRenderWithAMissingVariable() {
        PromptTemplate template = PromptTemplate.compile("You are a {{tone}} assistant.");

        assertThatThrownBy(() -> template.render(Map.of()))
                .isInstanceOf(PromptTemplate.MissingVariableException.class)
                .hasMessageContaining("'tone'")
                .hasMessageContaining("metadata.var_tone");
    }

    @Test
    void shouldRejectATemplateThatIsNotMustache() {
        assertThatThrownBy(() -> PromptTemplate.compile("You are a {{#tone}} assistant."))
                .isInstanceOf(PromptTemplate.InvalidTemplateException.class);
    }

    @Test
    void shouldNameTheVariablesItUsesOnceEachSorted() {
        // given
        PromptTemplate template = PromptTemplate.compile(
                "You are a {{tone}} assistant for {{company}}.{{#vip}} Greet {{name}} by name.{{/vip}}"
                        + "{{^vip}} Be {{tone}}.{{/vip}}");

        // when / then
        assertThat(template.variables()).containsExactly("company", "name", "tone", "vip");
        assertThat(PromptTemplate.compile("No variables.").variables()).isEmpty();
    }
}
