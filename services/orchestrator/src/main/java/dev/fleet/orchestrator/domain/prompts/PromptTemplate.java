package dev.fleet.orchestrator.domain.prompts;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;

/**
 * A prompt template in Mustache syntax, rendered with jmustache. Values are inserted as they are
 * (no HTML escaping: the output is a chat message, not a page). A variable the template uses but the
 * caller did not give is an error ({@link MissingVariableException}), never an empty string, so a
 * misconfigured request fails loudly instead of sending a half-filled prompt. Limits: sections
 * ({@code {{#x}}…{{/x}}}) see the same flat string variables; there are no lists or partials.
 */
public final class PromptTemplate {

    private static final Mustache.Compiler COMPILER = Mustache.compiler().escapeHTML(false).strictSections(true);

    private final Template compiled;

    private PromptTemplate(Template compiled) {
        this.compiled = compiled;
    }

    /** Compiles {@code text}; {@link InvalidTemplateException} when it is not valid Mustache. */
    public static PromptTemplate compile(String text) {
        try {
            return new PromptTemplate(COMPILER.compile(text));
        } catch (MustacheException e) {
            throw new InvalidTemplateException(e.getMessage());
        }
    }

    /**
     * The names of the variables the template uses (in tags and as section names), sorted: what a caller
     * must give as {@code metadata.var_<name>}. {@code .} and {@code this} (a section's own value) are not
     * variables.
     */
    public Set<String> variables() {
        Set<String> names = new TreeSet<>();
        compiled.visit(new Mustache.Visitor() {
            @Override
            public void visitText(String text) {
            }

            @Override
            public void visitVariable(String name) {
                add(name);
            }

            @Override
            public boolean visitInclude(String name) {
                return false;
            }

            @Override
            public boolean visitSection(String name) {
                add(name);
                return true;
            }

            @Override
            public boolean visitInvertedSection(String name) {
                add(name);
                return true;
            }

            private void add(String name) {
                if (!".".equals(name) && !"this".equals(name)) {
                    names.add(name);
                }
            }
        });
        return java.util.Collections.unmodifiableSet(names);
    }

    /** The text with {@code variables} filled in. */
    public String render(Map<String, String> variables) {
        try {
            return compiled.execute(variables);
        } catch (MustacheException.Context e) {
            throw new MissingVariableException(e.key);
        } catch (MustacheException e) {
            throw new InvalidTemplateException(e.getMessage());
        }
    }

    /** A template that is not valid Mustache. */
    public static final class InvalidTemplateException extends IllegalArgumentException {
        InvalidTemplateException(String message) {
            super("the template is not valid Mustache: " + message);
        }
    }

    /** A variable the template needs was not given. */
    public static final class MissingVariableException extends IllegalArgumentException {
        private final String variable;

        MissingVariableException(String variable) {
            super("the prompt needs the variable '" + variable + "' (metadata.var_" + variable + ")");
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }
}
