package dev.fleet.orchestrator.domain.audit;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

import reactor.core.publisher.Mono;

/**
 * The audit log as the admin console reads it: the audit service owns it, so each call asks that
 * service (decision 0041) and waits a bounded time. Failures: {@link AuditUnavailableException}
 * when the audit service does not answer in time or cannot be asked (retryable),
 * {@link AuditQueryRejectedException} when it answers that the query is invalid or failed.
 */
public interface AuditQueries {

    /**
     * Up to {@code limit} (the audit service's default page size when empty) of {@code tenantId}'s
     * events recorded after {@code afterSequence} (0: from the start), of {@code type} only when
     * given (named like the payload record, e.g. {@code ApiKeyIssued}), in recording order.
     */
    Mono<AuditPage> events(UUID tenantId, Optional<String> type, long afterSequence, OptionalInt limit);

    /** The result of walking {@code tenantId}'s hash chain. */
    Mono<AuditVerification> verify(UUID tenantId);
}
