package dev.fleet.orchestrator.domain.console;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ExperimentAssigned;
import dev.fleet.events.v1.ExperimentOutcome;

/**
 * The experiments page's read model: per alias, experiment and arm, the users assigned and how the
 * requests the arm served ended (success rate, latency p50 and mean, tokens), computed from the
 * {@code ExperimentAssigned} and {@code ExperimentOutcome} domain events as they arrive (fed from
 * {@code fleet.domain.events.v1}, read from its beginning; this class knows no Kafka). Results add up
 * over every tenant: aliases, and so experiments, belong to the fleet, not to a tenant.
 * <p>
 * Each event counts once: an event whose id is among the last {@code dedupeWindow} ids seen is a
 * redelivery and is dropped ({@link RecentIds}). Other event types are ignored.
 * <p>
 * Limits: memory is bounded by the number of experiments and arms (a latency histogram of about 7 KB
 * each, {@link LatencyHistogram}) plus the dedupe window, never by the number of events; results are
 * those of the events the topic still holds (its retention is long, not infinite); an experiment whose
 * arms were renamed shows the old and new arms side by side.
 */
public final class ExperimentResults {

    private final RecentIds seen;
    /** alias → experiment → arm → counters; guarded by this. */
    private final Map<String, Map<String, Map<String, ArmCounters>>> experiments = new TreeMap<>();

    public ExperimentResults(int dedupeWindow) {
        this.seen = new RecentIds(dedupeWindow);
    }

    /** Applies one domain event; anything but an experiment's assignment or outcome is ignored. */
    public synchronized void apply(DomainEvent event) {
        if (event == null) {
            return;
        }
        Object payload = event.getPayload();
        if (payload instanceof ExperimentAssigned assigned) {
            if (seen.firstTime(event.getEventId())) {
                arm(assigned.getAlias(), assigned.getExperiment(), assigned.getArm()).assignments++;
            }
        } else if (payload instanceof ExperimentOutcome outcome) {
            if (seen.firstTime(event.getEventId())) {
                arm(outcome.getAlias(), outcome.getExperiment(), outcome.getArm()).add(outcome);
            }
        }
    }

    /** Every experiment seen, ordered by alias and name. */
    public synchronized List<ExperimentResult> all() {
        List<ExperimentResult> all = new ArrayList<>();
        experiments.forEach((alias, byName) -> byName.forEach((name, arms) -> all.add(result(alias, name, arms))));
        return all;
    }

    /** The experiments seen on {@code alias}, ordered by name. */
    public synchronized List<ExperimentResult> ofAlias(String alias) {
        List<ExperimentResult> results = new ArrayList<>();
        experiments.getOrDefault(alias, Map.of()).forEach((name, arms) -> results.add(result(alias, name, arms)));
        return results;
    }

    /** The results of one experiment, if any of its events was seen. */
    public synchronized Optional<ExperimentResult> experiment(String alias, String experiment) {
        Map<String, ArmCounters> arms = experiments.getOrDefault(alias, Map.of()).get(experiment);
        return arms == null ? Optional.empty() : Optional.of(result(alias, experiment, arms));
    }

    /**
     * The results of the experiment {@code definition} runs on {@code alias} (from the alias registry):
     * every arm it defines, in its order, with zero counts where no event was seen yet, then any arm seen
     * in events but no longer defined.
     */
    public synchronized ExperimentResult experiment(String alias, Experiment definition) {
        Map<String, ArmCounters> seenArms = experiments.getOrDefault(alias, Map.of())
                .getOrDefault(definition.getName(), Map.of());
        List<ArmResult> arms = new ArrayList<>();
        Set<String> defined = new LinkedHashSet<>();
        for (ExperimentArm arm : definition.getArms()) {
            if (defined.add(arm.getName())) {
                arms.add(seenArms.getOrDefault(arm.getName(), new ArmCounters()).result(arm.getName()));
            }
        }
        seenArms.forEach((name, counters) -> {
            if (!defined.contains(name)) {
                arms.add(counters.result(name));
            }
        });
        return new ExperimentResult(alias, definition.getName(), arms);
    }

    private ArmCounters arm(String alias, String experiment, String arm) {
        return experiments.computeIfAbsent(alias, a -> new TreeMap<>())
                .computeIfAbsent(experiment, e -> new TreeMap<>())
                .computeIfAbsent(arm, a -> new ArmCounters());
    }

    private static ExperimentResult result(String alias, String experiment, Map<String, ArmCounters> arms) {
        List<ArmResult> results = new ArrayList<>();
        arms.forEach((name, counters) -> results.add(counters.result(name)));
        return new ExperimentResult(alias, experiment, results);
    }

    /** One arm's running sums. */
    private static final class ArmCounters {
        long assignments;
        long outcomes;
        long successes;
        long latencySum;
        long promptTokens;
        long completionTokens;
        final LatencyHistogram latencies = new LatencyHistogram();

        void add(ExperimentOutcome outcome) {
            outcomes++;
            if (outcome.getSucceeded()) {
                successes++;
            }
            long latency = Math.max(0, outcome.getLatencyMillis());
            latencySum += latency;
            latencies.record(latency);
            promptTokens += outcome.getPromptTokens();
            completionTokens += outcome.getCompletionTokens();
        }

        ArmResult result(String arm) {
            if (outcomes == 0) {
                return new ArmResult(arm, assignments, 0, 0, null, null, null, null, null, null);
            }
            double n = outcomes;
            return new ArmResult(arm, assignments, outcomes, successes, successes / n, latencies.quantile(0.5),
                    latencySum / n, promptTokens / n, completionTokens / n, (promptTokens + completionTokens) / n);
        }
    }
}
