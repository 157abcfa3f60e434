package dev.fleet.embedding.messaging;

import java.time.Instant;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;

/** The usage records this worker emits: model tokens embedded for a tenant. */
final class UsageEvents {

    private UsageEvents() {
    }

    static UsageRecorded embeddingTokens(String tenantId, long tokens, String model) {
        return UsageRecorded.newBuilder()
                .setTenantId(tenantId)
                .setMeter(Meter.EMBEDDING_TOKENS)
                .setQuantity(tokens)
                .setModel(model)
                .setOccurredAt(Instant.now())
                .build();
    }
}
