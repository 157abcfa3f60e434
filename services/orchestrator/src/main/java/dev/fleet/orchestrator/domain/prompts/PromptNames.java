package dev.fleet.orchestrator.domain.prompts;

import java.util.regex.Pattern;

/**
 * What may name a prompt or a label: 1–100 (labels: 1–50) letters, digits, {@code .}, {@code _} or
 * {@code -}, starting with a letter or digit — safe in a URL path, a topic key and a metadata value.
 */
public final class PromptNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,49}");

    /** The label a chat request uses when it names neither a label nor a version. */
    public static final String DEFAULT_LABEL = "production";

    private PromptNames() {
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static boolean isValidLabel(String label) {
        return label != null && LABEL.matcher(label).matches();
    }
}
