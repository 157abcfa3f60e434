package dev.fleet.orchestrator.domain.prompts;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.springframework.transaction.annotation.Transactional;

import dev.fleet.orchestrator.domain.Actors;
import dev.fleet.orchestrator.domain.ControlPlaneEvents;
import dev.fleet.orchestrator.domain.TenantStore;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Prompt templates as versioned config: create a version (optionally labelling it), move a label
 * (the rollback), read the versions. Each change, the prompt's new state for {@code fleet.prompts.v1}
 * and its domain event are written in one transaction, and the state record is acknowledged by
 * Kafka before the commit ({@link ControlPlaneEvents#deliver()}), so every orchestrator replica
 * applies it to new requests within moments. A prompt's changes are serialised by a row lock.
 * Results are empty when the tenant (or, for reads and label moves, the prompt) does not exist.
 */
public class PromptAdmin {

    private final TenantStore tenants;
    private final PromptStore prompts;
    private final ControlPlaneEvents events;
    private final Clock clock;

    public PromptAdmin(TenantStore tenants, PromptStore prompts, ControlPlaneEvents events, Clock clock) {
        this.tenants = tenants;
        this.prompts = prompts;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Adds the next version of the prompt (creating the prompt) and points {@code labels} at it.
     * {@link PromptTemplate.InvalidTemplateException} when the template does not compile.
     */
    @Transactional
    public Mono<PromptConfig> createVersion(UUID tenantId, String name, String template, List<String> labels) {
        PromptTemplate.compile(template);
        return Actors.current().flatMap(actor -> createVersion(tenantId, name, template, labels, actor));
    }

    /** {@link #createVersion(UUID, String, String, List)} with the actor its event names. */
    @Transactional
    public Mono<PromptConfig> createVersion(UUID tenantId, String name, String template, List<String> labels,
            String actor) {
        PromptTemplate.compile(template);
        return tenants.findTenant(tenantId).flatMap(tenant -> prompts.lock(tenantId, name, clock.instant())
                .flatMap(current -> {
                    PromptConfig changed = current.withVersion(template, labels, clock.instant());
                    return prompts.insertLatestVersion(tenantId, changed)
                            .then(events.promptVersionCreated(changed, changed.latest().number(), labels, actor))
                            .then(events.deliver())
                            .thenReturn(changed);
                }));
    }

    /** Points {@code label} at {@code version}; {@link PromptConfig.UnknownVersionException} when it does not exist. */
    @Transactional
    public Mono<PromptConfig> moveLabel(UUID tenantId, String name, String label, int version) {
        return Actors.current().flatMap(actor -> moveLabel(tenantId, name, label, version, actor));
    }

    /** {@link #moveLabel(UUID, String, String, int)} with the actor its event names. */
    @Transactional
    public Mono<PromptConfig> moveLabel(UUID tenantId, String name, String label, int version, String actor) {
        return tenants.findTenant(tenantId)
                .flatMap(tenant -> prompts.find(tenantId, name))
                .flatMap(found -> prompts.lock(tenantId, name, clock.instant()))
                .flatMap(current -> {
                    Integer previous = current.labels().get(label);
                    PromptConfig changed = current.withLabel(label, version, clock.instant());
                    return prompts.saveLabel(tenantId, changed, label)
                            .then(events.promptLabelMoved(changed, label, version, previous, actor))
                            .then(events.deliver())
                            .thenReturn(changed);
                });
    }

    /** The prompt with all its versions and labels. */
    public Mono<PromptConfig> prompt(UUID tenantId, String name) {
        return prompts.find(tenantId, name);
    }

    /** The names of the tenant's prompts (those with a version), sorted; empty for an unknown tenant. */
    public Flux<String> names(UUID tenantId) {
        return prompts.names(tenantId);
    }

    public Mono<Boolean> tenantExists(UUID tenantId) {
        return tenants.findTenant(tenantId).hasElement();
    }
}
