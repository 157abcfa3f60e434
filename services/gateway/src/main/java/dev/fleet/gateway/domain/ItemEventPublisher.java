package dev.fleet.gateway.domain;

import java.util.List;

import dev.fleet.events.v1.ItemEvent;

import reactor.core.publisher.Mono;

/** Publishes item changes for the embedding pipeline. */
public interface ItemEventPublisher {

    /**
     * Publishes {@code events} of {@code tenantId}; completes when every one is acknowledged, fails
     * with {@link EventBusUnavailableException} otherwise (some may have been written: re-sending is safe).
     */
    Mono<Void> publish(String tenantId, List<ItemEvent> events);
}
