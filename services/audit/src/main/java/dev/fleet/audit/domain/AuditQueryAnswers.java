package dev.fleet.audit.domain;

import java.util.List;

import dev.fleet.events.v1.AuditChainCheck;
import dev.fleet.events.v1.AuditLogEntry;
import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;
import reactor.core.publisher.Mono;

/**
 * Answers the orchestrator's {@link AuditQuery}s from the audit log: a page of a tenant's events
 * with the paging of {@code GET /audit/events} (after a recording sequence, {@code limit} at a time,
 * the default and maximum page size of {@code fleet.audit}), optionally of one type; or the walk of
 * the tenant's chain that {@code GET /audit/verify} does ({@link ChainVerifier}). Reads only, so a
 * query answered twice changes nothing.
 */
public final class AuditQueryAnswers {

    private final AuditLog auditLog;
    private final int defaultPageSize;
    private final int maxPageSize;

    public AuditQueryAnswers(AuditLog auditLog, int defaultPageSize, int maxPageSize) {
        this.auditLog = auditLog;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
    }

    /** The result of {@code query}; a query out of bounds is answered with an {@code INVALID_REQUEST} error. */
    public Mono<AuditQueryResult> answer(AuditQuery query) {
        return switch (query.getKind()) {
            case EVENTS -> events(query);
            case VERIFY -> ChainVerifier.verify(query.getTenantId(), auditLog.chain(query.getTenantId()))
                    .map(verification -> AuditQueryResult.newBuilder().setRequestId(query.getRequestId())
                            .setVerification(check(verification)).build());
        };
    }

    private Mono<AuditQueryResult> events(AuditQuery query) {
        int limit = query.getLimit() == null ? defaultPageSize : query.getLimit();
        if (limit < 1 || limit > maxPageSize) {
            return Mono.just(invalid(query, "limit must be an integer from 1 to " + maxPageSize));
        }
        if (query.getAfterSequence() < 0) {
            return Mono.just(invalid(query, "afterSequence must not be negative"));
        }
        String type = query.getEventType() == null || query.getEventType().isBlank() ? null : query.getEventType();
        return auditLog.page(query.getTenantId(), type, query.getAfterSequence(), limit)
                .map(AuditQueryAnswers::entry)
                .collectList()
                .map(entries -> AuditQueryResult.newBuilder().setRequestId(query.getRequestId())
                        .setEntries(entries)
                        .setNextAfterSequence(entries.size() == limit ? last(entries).getSequence() : null)
                        .build());
    }

    /** A failed answer: the log could not be read (the caller says why). */
    public static AuditQueryResult failed(AuditQuery query, String message) {
        return AuditQueryResult.newBuilder().setRequestId(query.getRequestId())
                .setError(new ReplyError(ErrorType.SERVER_ERROR, ErrorCode.INTERNAL_ERROR, message)).build();
    }

    /** An answer saying the query cannot be served as asked. */
    public static AuditQueryResult invalid(AuditQuery query, String message) {
        return AuditQueryResult.newBuilder().setRequestId(query.getRequestId())
                .setError(new ReplyError(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.INVALID_REQUEST, message)).build();
    }

    private static AuditLogEntry last(List<AuditLogEntry> entries) {
        return entries.get(entries.size() - 1);
    }

    static AuditLogEntry entry(AuditedEvent e) {
        return AuditLogEntry.newBuilder()
                .setSequence(e.seq())
                .setChainPosition(e.chainPosition())
                .setEventId(e.eventId().toString())
                .setType(e.type())
                .setSubject(e.subject())
                .setActor(e.actor())
                .setProducedBy(e.producedBy())
                .setOccurredAt(e.occurredAt())
                .setRecordedAt(e.recordedAt())
                .setPayloadJson(e.payloadJson())
                .setHash(ChainHead.hex(e.hash()))
                .build();
    }

    static AuditChainCheck check(ChainVerification v) {
        ChainVerification.Broken broken = v.firstBroken();
        return AuditChainCheck.newBuilder()
                .setOk(v.valid())
                .setEntriesChecked(v.rows())
                .setFirstBrokenPosition(broken == null ? null : broken.position())
                .setFirstBrokenEventId(broken == null ? null : broken.eventId().toString())
                .setReason(broken == null ? null : broken.reason())
                .setHeadHash(v.headHash())
                .build();
    }
}
