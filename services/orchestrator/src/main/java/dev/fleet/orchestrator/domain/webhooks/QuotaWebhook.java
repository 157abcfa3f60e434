package dev.fleet.orchestrator.domain.webhooks;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant's quota notification webhook: where deliveries go and the secret they are signed with
 * ({@link WebhookSignature}). The secret is shown once, when issued; {@link #toString()} never prints it.
 */
public record QuotaWebhook(UUID tenantId, String url, String secret, Instant updatedAt) {

    @Override
    public String toString() {
        return "QuotaWebhook[tenantId=" + tenantId + ", url=" + url + ", updatedAt=" + updatedAt + "]";
    }
}
