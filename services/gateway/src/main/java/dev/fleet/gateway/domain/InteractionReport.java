package dev.fleet.gateway.domain;

import java.time.Instant;
import java.util.Map;

import dev.fleet.events.v1.InteractionKind;

/**
 * One validated interaction a product app reported: who did what with which item, how much it counts
 * ({@code null}: the kind's default) and when ({@code null}: when the gateway received it).
 */
public record InteractionReport(String user, String itemId, InteractionKind kind, Double weight, Instant occurredAt,
        Map<String, String> metadata) {
}
