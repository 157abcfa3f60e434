package dev.fleet.test;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which {@link SimulatedBehaviour} answers a request: the next queued one, else the first rule
 * whose predicate matches the request body, else the defaults; then the request's
 * {@code x-simulator-<knob>} headers change single knobs. Thread-safe.
 */
final class BehaviourChoice {

    static final String HEADER_PREFIX = "x-simulator-";

    private record Rule(Predicate<JsonNode> matches, SimulatedBehaviour behaviour) {
    }

    private final Queue<SimulatedBehaviour> queued = new ConcurrentLinkedQueue<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private volatile SimulatedBehaviour defaults = SimulatedBehaviour.normal();

    SimulatedBehaviour defaults() {
        return defaults;
    }

    void defaults(SimulatedBehaviour behaviour) {
        this.defaults = behaviour;
    }

    void queue(int count, SimulatedBehaviour behaviour) {
        for (int i = 0; i < count; i++) {
            queued.add(behaviour);
        }
    }

    void clearQueue() {
        queued.clear();
    }

    void rule(Predicate<JsonNode> body, SimulatedBehaviour behaviour) {
        rules.add(new Rule(body, behaviour));
    }

    void reset() {
        queued.clear();
        rules.clear();
        defaults = SimulatedBehaviour.normal();
    }

    /** @throws IllegalArgumentException if a header names an unknown knob or an unreadable value */
    SimulatedBehaviour choose(JsonNode body, Map<String, List<String>> headers) {
        SimulatedBehaviour chosen = queued.poll();
        if (chosen == null) {
            chosen = rules.stream().filter(rule -> rule.matches().test(body)).findFirst().map(Rule::behaviour)
                    .orElse(defaults);
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(HEADER_PREFIX) && !header.getValue().isEmpty()) {
                chosen = chosen.with(name.substring(HEADER_PREFIX.length()), header.getValue().get(0));
            }
        }
        return chosen;
    }
}
