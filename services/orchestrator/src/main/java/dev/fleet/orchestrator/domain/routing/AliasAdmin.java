package dev.fleet.orchestrator.domain.routing;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

import org.springframework.transaction.annotation.Transactional;

import dev.fleet.events.v1.Experiment;
import dev.fleet.events.v1.ExperimentArm;
import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.ModelTarget;
import dev.fleet.orchestrator.domain.Actors;
import dev.fleet.orchestrator.domain.ControlPlaneEvents;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Model aliases and their experiments as config: each change is saved, its new state for
 * {@code fleet.model-aliases.v1} (a tombstone on removal) and a {@code ModelAliasChanged} event are
 * written in one transaction, and the state record is acknowledged by Kafka before the commit
 * ({@link ControlPlaneEvents#deliver()}), so every replica routes by it moments later. Changes to
 * one alias are serialised by a row lock. Results are empty when the alias does not exist (except
 * for {@link #putTargets}, which creates it).
 */
public class AliasAdmin {

    private final AliasStore store;
    private final ControlPlaneEvents events;
    private final AliasRules rules;
    private final Clock clock;

    public AliasAdmin(AliasStore store, ControlPlaneEvents events, AliasRules rules, Clock clock) {
        this.store = store;
        this.events = events;
        this.rules = rules;
        this.clock = clock;
    }

    /** The alias and whether this call created it. */
    public record Saved(ModelAlias alias, boolean created) {
    }

    /** Creates the alias or replaces its targets (a running experiment stays). */
    @Transactional
    public Mono<Saved> putTargets(String alias, List<ModelTarget> targets) {
        rules.checkAlias(alias);
        rules.checkTargets(targets, "targets");
        return store.lock(alias)
                .map(current -> ModelAlias.newBuilder(current).setTargets(List.copyOf(targets)))
                .defaultIfEmpty(ModelAlias.newBuilder().setAlias(alias).setTargets(List.copyOf(targets))
                        .setExperiment(null))
                .map(builder -> builder.setUpdatedAt(clock.instant()).build())
                .flatMap(changed -> store.save(changed).flatMap(created -> announce(changed, false)
                        .thenReturn(new Saved(changed, created))));
    }

    /**
     * Starts an experiment on the alias (replacing one of another name). Putting the running
     * experiment again with the same arms changes nothing; with other arms it is refused
     * ({@link ExperimentRunningException}): that would move users between arms mid-experiment.
     */
    @Transactional
    public Mono<ModelAlias> putExperiment(String alias, String name, List<ExperimentArm> arms) {
        rules.checkExperiment(name, arms);
        return store.lock(alias).flatMap(current -> {
            Experiment running = current.getExperiment();
            if (running != null && running.getName().equals(name)) {
                if (running.getArms().equals(arms)) {
                    return Mono.just(current);
                }
                return Mono.error(new ExperimentRunningException("the experiment '" + name + "' is running on '"
                        + alias + "' with other arms; end it, or start one under a new name"));
            }
            ModelAlias changed = ModelAlias.newBuilder(current)
                    .setExperiment(new Experiment(name, List.copyOf(arms), clock.instant()))
                    .setUpdatedAt(clock.instant())
                    .build();
            return store.save(changed).then(announce(changed, false)).thenReturn(changed);
        });
    }

    /** Ends the alias's experiment; its requests go to the alias's targets again. */
    @Transactional
    public Mono<ModelAlias> endExperiment(String alias) {
        return store.lock(alias).flatMap(current -> {
            if (current.getExperiment() == null) {
                return Mono.just(current);
            }
            ModelAlias changed = ModelAlias.newBuilder(current).setExperiment(null).setUpdatedAt(clock.instant())
                    .build();
            return store.save(changed).then(announce(changed, false)).thenReturn(changed);
        });
    }

    /** Removes the alias (and its experiment); the alias is refused again once replicas read the tombstone. */
    @Transactional
    public Mono<ModelAlias> remove(String alias) {
        return store.lock(alias).flatMap(current -> store.delete(alias)
                .then(announce(ModelAlias.newBuilder(current).setUpdatedAt(clock.instant()).build(), true))
                .thenReturn(current));
    }

    public Mono<ModelAlias> find(String alias) {
        return store.find(alias);
    }

    public Flux<ModelAlias> all() {
        return store.all();
    }

    private Mono<Void> announce(ModelAlias alias, boolean removed) {
        return Actors.current().flatMap(actor -> events.modelAliasChanged(Objects.requireNonNull(alias), removed, actor))
                .then(events.deliver());
    }

    /** A change that would reassign users of a running experiment. */
    public static final class ExperimentRunningException extends RuntimeException {
        public ExperimentRunningException(String message) {
            super(message, null, false, false);
        }
    }
}
