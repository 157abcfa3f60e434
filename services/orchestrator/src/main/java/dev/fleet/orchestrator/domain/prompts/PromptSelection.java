package dev.fleet.orchestrator.domain.prompts;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.fleet.orchestrator.domain.ChatFailure;

/**
 * Which prompt a chat request asks for, read from its OpenAI {@code metadata}: {@code prompt} (the
 * name), then {@code prompt_label} (default {@code production}) or {@code prompt_version}, and the
 * variables as {@code var_<name>}. Anything malformed is a {@link ChatFailure} of type
 * invalid_request_error, which the gateway answers with 400.
 *
 * @param name      the prompt's name
 * @param label     the label to use, or null when a version is named
 * @param version   the version to use, or null when a label is
 * @param variables the template variables, without their {@code var_} prefix
 */
public record PromptSelection(String name, String label, Integer version, Map<String, String> variables) {

    public static final String PROMPT = "prompt";
    public static final String LABEL = "prompt_label";
    public static final String VERSION = "prompt_version";
    public static final String VARIABLE_PREFIX = "var_";

    /** The selection in {@code metadata}; empty when it names no prompt. */
    public static Optional<PromptSelection> of(Map<String, String> metadata) {
        String name = metadata.get(PROMPT);
        if (name == null) {
            return Optional.empty();
        }
        if (!PromptNames.isValidName(name)) {
            throw ChatFailure.invalidRequest("metadata.prompt is not a valid prompt name: letters, digits, "
                    + "'.', '_' and '-', at most 100");
        }
        String label = metadata.get(LABEL);
        String version = metadata.get(VERSION);
        if (label != null && version != null) {
            throw ChatFailure.invalidRequest("give metadata.prompt_label or metadata.prompt_version, not both");
        }
        Map<String, String> variables = new HashMap<>();
        metadata.forEach((key, value) -> {
            if (key.startsWith(VARIABLE_PREFIX) && key.length() > VARIABLE_PREFIX.length()) {
                variables.put(key.substring(VARIABLE_PREFIX.length()), value);
            }
        });
        if (version != null) {
            return Optional.of(new PromptSelection(name, null, parseVersion(version), Map.copyOf(variables)));
        }
        return Optional.of(new PromptSelection(name, label == null ? PromptNames.DEFAULT_LABEL : label, null,
                Map.copyOf(variables)));
    }

    private static int parseVersion(String version) {
        try {
            int parsed = Integer.parseInt(version.trim());
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ChatFailure.invalidRequest("metadata.prompt_version must be a version number (1, 2, …)");
    }
}
