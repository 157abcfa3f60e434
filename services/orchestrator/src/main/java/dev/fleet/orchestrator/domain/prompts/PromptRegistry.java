package dev.fleet.orchestrator.domain.prompts;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prompts every chat request may use, in memory, fed from the compacted {@code fleet.prompts.v1}
 * (each record is a prompt's whole state, so the latest one per key wins). Every orchestrator replica
 * keeps its own, which is how a label move reaches all replicas: through the topic, not the database.
 * Thread-safe. Limits: holds every tenant's prompts in memory (fine for thousands of prompts).
 */
public class PromptRegistry {

    private final Map<String, PromptConfig> prompts = new ConcurrentHashMap<>();

    /** The topic key of a prompt. */
    public static String key(String tenantId, String name) {
        return tenantId + "/" + name;
    }

    /** Applies a record of the topic: the prompt's new state, or its removal ({@code prompt} null). */
    public void apply(String key, PromptConfig prompt) {
        if (prompt == null) {
            prompts.remove(key);
        } else {
            prompts.put(key, prompt);
        }
    }

    public Optional<PromptConfig> find(String tenantId, String name) {
        return Optional.ofNullable(prompts.get(key(tenantId, name)));
    }
}
