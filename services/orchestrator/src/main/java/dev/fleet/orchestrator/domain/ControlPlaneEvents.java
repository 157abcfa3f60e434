package dev.fleet.orchestrator.domain;

import java.util.List;
import java.util.UUID;

import dev.fleet.events.v1.ModelAlias;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.orchestrator.domain.prompts.PromptConfig;

import reactor.core.publisher.Mono;

/**
 * Records what the control plane changed so that the rest of the fleet learns about it: the
 * current state for the compacted topics and a domain event for governance. Implemented with a
 * transactional outbox, so each call must run in the transaction that made the change.
 */
public interface ControlPlaneEvents {

    Mono<Void> tenantCreated(Tenant tenant, String actor);

    Mono<Void> tenantLimitsChanged(Tenant tenant, String actor);

    /** The tenant (as it is now) moved from plan {@code previous}. */
    Mono<Void> tenantPlanChanged(Tenant tenant, TenantPlan previous, String actor);

    /** The tenant (as it is now) was suspended or resumed; it was {@code previous} before. */
    Mono<Void> tenantStatusChanged(Tenant tenant, TenantStatus previous, String actor);

    /**
     * Someone tried to sign in to the admin console with a wrong token: a fleet-wide domain event
     * (the nil tenant, like the price book's) that this replica records. Needs no transaction of the
     * caller; the event is published after it is stored, like every other.
     *
     * @param remoteAddress       where the attempt came from, masked as the console sees fit; null if unknown
     * @param consecutiveFailures failed attempts in a row from there, this one included
     */
    Mono<Void> consoleSignInRefused(String remoteAddress, int consecutiveFailures);

    Mono<Void> keyIssued(TenantKey key, String actor);

    Mono<Void> keyRevoked(TenantKey key, String actor);

    /** Version {@code version} of the prompt was created, with {@code labels} pointing at it. */
    Mono<Void> promptVersionCreated(PromptConfig prompt, int version, List<String> labels, String actor);

    /** {@code label} of the prompt now points at {@code version} (before: {@code previous}, null if new). */
    Mono<Void> promptLabelMoved(PromptConfig prompt, String label, int version, Integer previous, String actor);

    /** The tenant's quota webhook now notifies {@code url} (null: it was removed). Only a domain event. */
    Mono<Void> quotaWebhookChanged(UUID tenantId, String url, String actor);

    /**
     * The model alias changed (its new state) or was {@code removed} (its last state; the topic gets a
     * tombstone). Aliases are fleet-wide: the event belongs to no tenant (the nil UUID, see decision 0022).
     */
    Mono<Void> modelAliasChanged(ModelAlias alias, boolean removed, String actor);

    /**
     * Read-your-writes: publishes the state records this transaction wrote for the fleet's
     * materialized views (tenants, keys, prompts, model aliases), after every older one still waiting,
     * and completes once Kafka acknowledged them all, so a replica that reads the topics to their end
     * sees the change.
     * Call it last in the transaction; it fails with {@link ChangeNotDeliveredException} when that
     * does not happen within the configured bound, and the transaction must then roll back.
     * Domain events are left to the relay, after the commit.
     */
    Mono<Void> deliver();
}
