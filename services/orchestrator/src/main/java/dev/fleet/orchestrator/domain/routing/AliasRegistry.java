package dev.fleet.orchestrator.domain.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.fleet.events.v1.ModelAlias;

/**
 * The model aliases every chat request may name, in memory, fed from the compacted
 * {@code fleet.model-aliases.v1} (each record is an alias's whole state; a tombstone removes it).
 * Every orchestrator replica keeps its own, which is how an admin change reaches all of them:
 * through the topic, not the database. Thread-safe.
 */
public class AliasRegistry {

    private final Map<String, ModelAlias> aliases = new ConcurrentHashMap<>();

    /** Applies a record of the topic: the alias's new state, or its removal ({@code alias} null). */
    public void apply(String name, ModelAlias alias) {
        if (alias == null) {
            aliases.remove(name);
        } else {
            aliases.put(name, alias);
        }
    }

    public Optional<ModelAlias> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(aliases.get(name));
    }

    /** Every alias, by name. */
    public List<ModelAlias> all() {
        return aliases.values().stream().sorted(Comparator.comparing(ModelAlias::getAlias)).toList();
    }
}
