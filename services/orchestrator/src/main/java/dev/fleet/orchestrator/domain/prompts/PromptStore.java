package dev.fleet.orchestrator.domain.prompts;

import java.time.Instant;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where prompt versions and labels are kept. Calls join the caller's transaction, if any. */
public interface PromptStore {

    /**
     * The prompt as it is, locked until the transaction ends so concurrent changes to it queue up
     * (a prompt not seen before is registered, empty); call it inside a transaction.
     */
    Mono<PromptConfig> lock(UUID tenantId, String name, Instant now);

    /** The prompt, or empty when it has no version. */
    Mono<PromptConfig> find(UUID tenantId, String name);

    /** The names of the tenant's prompts that have a version, sorted. */
    Flux<String> names(UUID tenantId);

    /** Stores the newest version of {@code config} and its labels. */
    Mono<Void> insertLatestVersion(UUID tenantId, PromptConfig config);

    /** Stores where {@code label} points in {@code config}. */
    Mono<Void> saveLabel(UUID tenantId, PromptConfig config, String label);
}
