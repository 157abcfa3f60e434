package dev.fleet.orchestrator.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.fleet.events.v1.AuditChainCheck;
import dev.fleet.events.v1.AuditLogEntry;
import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryKind;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.orchestrator.domain.audit.AuditPage;
import dev.fleet.orchestrator.domain.audit.AuditQueries;
import dev.fleet.orchestrator.domain.audit.AuditQueryRejectedException;
import dev.fleet.orchestrator.domain.audit.AuditUnavailableException;
import dev.fleet.orchestrator.domain.audit.AuditVerification;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.ReplyPartitionUnavailableException;
import dev.fleet.platform.kafka.ReplyRouter;
import dev.fleet.schemas.FleetTopics;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link AuditQueries} over Kafka, request/reply as the gateway's {@code KafkaStoredResponses} does
 * it: an {@code AuditQuery} on {@code fleet.audit.queries.v1} naming the reply partition its
 * {@link ReplyRouter} pinned it to, answered by the audit service with an {@code AuditQueryResult},
 * awaited at most {@code timeout} ({@code FLEET_AUDIT_QUERY_TIMEOUT}).
 */
public class KafkaAuditQueries implements AuditQueries {

    private final FleetPublisher publisher;
    private final ReplyRouter<AuditQueryResult> results;
    private final String instanceId;
    private final Duration timeout;

    public KafkaAuditQueries(FleetPublisher publisher, ReplyRouter<AuditQueryResult> results, String instanceId,
            Duration timeout) {
        this.publisher = publisher;
        this.results = results;
        this.instanceId = instanceId;
        this.timeout = timeout;
    }

    @Override
    public Mono<AuditPage> events(UUID tenantId, Optional<String> type, long afterSequence, OptionalInt limit) {
        return ask(tenantId, AuditQueryKind.EVENTS, query -> query.setEventType(type.orElse(null))
                .setAfterSequence(afterSequence)
                .setLimit(limit.isPresent() ? limit.getAsInt() : null))
                .map(result -> new AuditPage(result.getEntries().stream().map(KafkaAuditQueries::entry).toList(),
                        result.getNextAfterSequence() == null ? OptionalLong.empty()
                                : OptionalLong.of(result.getNextAfterSequence())));
    }

    @Override
    public Mono<AuditVerification> verify(UUID tenantId) {
        return ask(tenantId, AuditQueryKind.VERIFY, query -> {
        }).flatMap(result -> result.getVerification() == null
                ? Mono.error(new AuditQueryRejectedException("the audit service answered a verification without "
                        + "its result", false))
                : Mono.just(verification(result.getVerification())));
    }

    private Mono<AuditQueryResult> ask(UUID tenantId, AuditQueryKind kind, Consumer<AuditQuery.Builder> details) {
        return Mono.defer(() -> {
            String requestId = UUID.randomUUID().toString();
            ReplyRouter.Registration<AuditQueryResult> registration = results.register(requestId);
            AuditQuery.Builder query = AuditQuery.newBuilder()
                    .setRequestId(requestId)
                    .setTenantId(tenantId.toString())
                    .setKind(kind)
                    .setReplyTo(instanceId)
                    .setReplyPartition(registration.partition())
                    .setRequestedAt(Instant.now());
            details.accept(query);
            Mono<AuditQueryResult> reply = registration.replies().next();
            return publisher.send(FleetTopics.AUDIT_QUERIES, requestId, query.build(),
                            EventContext.newEvent(tenantId.toString()))
                    .doOnError(e -> results.forget(requestId))
                    .then(reply)
                    .timeout(timeout);
        }).subscribeOn(Schedulers.boundedElastic()) // a send blocks while the producer has no metadata
                .onErrorMap(e -> translate(kind, e))
                .flatMap(result -> result.getError() == null ? Mono.just(result)
                        : Mono.error(new AuditQueryRejectedException("the audit service refused the "
                                + what(kind) + ": " + result.getError().getMessage(),
                                result.getError().getType() == ErrorType.INVALID_REQUEST_ERROR)));
    }

    private Throwable translate(AuditQueryKind kind, Throwable e) {
        if (e instanceof TimeoutException) {
            return new AuditUnavailableException("the audit service did not answer the " + what(kind) + " within "
                    + timeout + " (FLEET_AUDIT_QUERY_TIMEOUT): is it running and reading " + FleetTopics.AUDIT_QUERIES.name()
                    + "?", e);
        }
        if (e instanceof ReplyPartitionUnavailableException) {
            return new AuditUnavailableException("this replica cannot read the audit service's answer now: "
                    + e.getMessage(), e);
        }
        return new AuditUnavailableException("could not send the " + what(kind) + ": " + e.getMessage(), e);
    }

    private static String what(AuditQueryKind kind) {
        return kind == AuditQueryKind.VERIFY ? "audit chain verification" : "audit events query";
    }

    private static AuditPage.Entry entry(AuditLogEntry e) {
        return new AuditPage.Entry(e.getSequence(), e.getChainPosition(), UUID.fromString(e.getEventId()), e.getType(),
                e.getSubject(), e.getActor(), e.getProducedBy(), e.getOccurredAt(), e.getRecordedAt(),
                e.getPayloadJson(), e.getHash());
    }

    private static AuditVerification verification(AuditChainCheck check) {
        Optional<AuditVerification.Broken> broken = check.getOk() ? Optional.empty()
                : Optional.of(new AuditVerification.Broken(
                        check.getFirstBrokenPosition() == null ? -1 : check.getFirstBrokenPosition(),
                        check.getFirstBrokenEventId() == null ? null : UUID.fromString(check.getFirstBrokenEventId()),
                        check.getReason()));
        return new AuditVerification(check.getOk(), check.getEntriesChecked(), broken, check.getHeadHash());
    }
}
