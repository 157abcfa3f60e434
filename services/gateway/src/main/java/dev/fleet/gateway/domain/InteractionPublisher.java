package dev.fleet.gateway.domain;

import java.util.List;

import dev.fleet.events.v1.Interaction;

import reactor.core.publisher.Mono;

/** Publishes users' interactions with a collection's items, for the scorer's user profiles and analytics. */
public interface InteractionPublisher {

    /**
     * Publishes {@code interactions} (all of one tenant's collection); completes when every one is acknowledged,
     * fails with {@link EventBusUnavailableException} otherwise (some may have been written: each has its own
     * event id and the scorer ignores a duplicate interaction, so re-sending is safe).
     */
    Mono<Void> publish(String tenantId, String collection, List<Interaction> interactions);
}
