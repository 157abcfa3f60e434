package dev.fleet.orchestrator.domain.prompts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A tenant's named prompt: its immutable numbered versions (1, 2, …, oldest first) and its labels,
 * each pointing at one version. Changes return a new value; a version is never edited or removed,
 * so moving a label back is the rollback.
 *
 * @param tenantId  the owning tenant (as on the topics)
 * @param name      the prompt's name, unique per tenant
 * @param versions  every version, oldest first, numbered from 1 without gaps
 * @param labels    label to version number, sorted by label
 * @param updatedAt when a version was last added or a label last moved
 */
public record PromptConfig(String tenantId, String name, List<Version> versions, Map<String, Integer> labels,
        Instant updatedAt) {

    /** One version of the prompt. */
    public record Version(int number, String template, Instant createdAt) {
    }

    public PromptConfig {
        versions = List.copyOf(versions);
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** A prompt that has no version yet. */
    public static PromptConfig empty(String tenantId, String name, Instant now) {
        return new PromptConfig(tenantId, name, List.of(), Map.of(), now);
    }

    /** Adds the next version and points {@code labelsToMove} at it. */
    public PromptConfig withVersion(String template, Collection<String> labelsToMove, Instant now) {
        Version version = new Version(versions.size() + 1, template, now);
        List<Version> added = new ArrayList<>(versions);
        added.add(version);
        Map<String, Integer> moved = new TreeMap<>(labels);
        labelsToMove.forEach(label -> moved.put(label, version.number()));
        return new PromptConfig(tenantId, name, added, moved, now);
    }

    /** Points {@code label} at {@code version}; {@link UnknownVersionException} when there is no such version. */
    public PromptConfig withLabel(String label, int version, Instant now) {
        version(version).orElseThrow(() -> new UnknownVersionException(name, version));
        Map<String, Integer> moved = new TreeMap<>(labels);
        moved.put(label, version);
        return new PromptConfig(tenantId, name, versions, moved, now);
    }

    public Optional<Version> version(int number) {
        return number >= 1 && number <= versions.size() ? Optional.of(versions.get(number - 1)) : Optional.empty();
    }

    /** The version {@code label} points at, if the label exists. */
    public Optional<Version> labelled(String label) {
        return Optional.ofNullable(labels.get(label)).flatMap(this::version);
    }

    public Version latest() {
        return versions.get(versions.size() - 1);
    }

    /** The labels pointing at {@code number}, sorted. */
    public List<String> labelsOf(int number) {
        return labels.entrySet().stream().filter(e -> e.getValue() == number).map(Map.Entry::getKey).toList();
    }

    /** A version that does not exist (404 at the admin API). */
    public static final class UnknownVersionException extends RuntimeException {
        public UnknownVersionException(String name, int version) {
            super("the prompt '" + name + "' has no version " + version, null, false, false);
        }
    }
}
