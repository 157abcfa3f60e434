package dev.fleet.orchestrator.domain.prompts;

import java.util.Map;
import java.util.Optional;

import dev.fleet.orchestrator.domain.ChatFailure;

/**
 * Turns a chat request's prompt selection into the system message to prepend: finds the prompt in
 * the {@link PromptRegistry} (the tenant's own only), picks the labelled or numbered version and
 * renders it. An unknown prompt, label or version, or a missing variable, is a {@link ChatFailure}
 * of type invalid_request_error (400 at the gateway), so a client never gets an answer to a prompt
 * it did not mean.
 */
public class PromptResolver {

    private final PromptRegistry registry;

    public PromptResolver(PromptRegistry registry) {
        this.registry = registry;
    }

    /** A rendered prompt: which version of which prompt, and its text. */
    public record RenderedPrompt(String name, int version, String text) {
    }

    public Optional<RenderedPrompt> resolve(String tenantId, Map<String, String> metadata) {
        return PromptSelection.of(metadata).map(selection -> render(tenantId, selection));
    }

    private RenderedPrompt render(String tenantId, PromptSelection selection) {
        PromptConfig prompt = registry.find(tenantId, selection.name()).filter(p -> !p.versions().isEmpty())
                .orElseThrow(() -> ChatFailure.invalidRequest("there is no prompt '" + selection.name() + "'"));
        PromptConfig.Version version = selection.version() != null
                ? prompt.version(selection.version()).orElseThrow(() -> ChatFailure.invalidRequest(
                        "the prompt '" + selection.name() + "' has no version " + selection.version()))
                : prompt.labelled(selection.label()).orElseThrow(() -> ChatFailure.invalidRequest(
                        "the prompt '" + selection.name() + "' has no label '" + selection.label() + "'"));
        try {
            String text = PromptTemplate.compile(version.template()).render(selection.variables());
            return new RenderedPrompt(prompt.name(), version.number(), text);
        } catch (IllegalArgumentException e) {
            throw ChatFailure.invalidRequest("prompt '" + selection.name() + "' version " + version.number()
                    + ": " + e.getMessage());
        }
    }
}
