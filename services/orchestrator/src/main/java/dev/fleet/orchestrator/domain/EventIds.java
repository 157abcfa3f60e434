package dev.fleet.orchestrator.domain;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids derived from the request they result from (name-based UUIDs), so that answering a
 * redelivered request again publishes usage and events with the same ids and consumers that
 * deduplicate on {@code event-id} count them once.
 */
public final class EventIds {

    private EventIds() {
    }

    public static String derive(String requestId, String purpose) {
        return UUID.nameUUIDFromBytes(("fleet/" + requestId + "/" + purpose).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
