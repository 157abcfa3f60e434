package dev.fleet.audit.messaging;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.fleet.audit.config.FleetAuditProperties;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.audit.domain.AuditQueryAnswers;
import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.platform.kafka.DecodeFailures;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.PendingSends;
import dev.fleet.schemas.FleetTopics;

/**
 * Answers the orchestrator's audit queries ({@code fleet.audit.queries.v1}, decision 0041) in a
 * consumer group of its own ({@value #GROUP}), so a query never waits behind a batch of domain
 * events: each gets an {@code AuditQueryResult} keyed by its request id on the partition the asking
 * replica reads, and the offset is committed once the broker acknowledged it. Queries only read,
 * so a redelivered one is answered again and changes nothing (the asker ignores a second answer).
 * <p>
 * Failures: a record that is not a query (undecodable, a tombstone) goes to the dead-letter topic
 * by the platform's policy. A log that cannot be read within {@code fleet.audit.write-timeout} (the
 * database away) is answered with an error at once rather than retried: the asker waits seconds,
 * not for an outage to end. A page too large for one record is answered with an error asking for fewer
 * events. A result the broker does not acknowledge is retried by the platform.
 */
@Component
class AuditQueryListener {

    /** The listener container's id and consumer group. */
    static final String GROUP = "audit-queries";

    private static final Logger log = LoggerFactory.getLogger(AuditQueryListener.class);

    private final AuditQueryAnswers answers;
    private final FleetPublisher publisher;
    private final Duration timeout;

    AuditQueryListener(AuditLog auditLog, FleetPublisher publisher, FleetAuditProperties properties) {
        this.answers = new AuditQueryAnswers(auditLog, properties.defaultPageSize(), properties.maxPageSize());
        this.publisher = publisher;
        this.timeout = properties.writeTimeout();
    }

    @KafkaListener(id = GROUP, topics = "#{T(dev.fleet.schemas.FleetTopics).AUDIT_QUERIES.name()}")
    void on(ConsumerRecord<String, AuditQuery> record) {
        AuditQuery query = record.value();
        if (query == null) {
            throw DecodeFailures.of(record).<RuntimeException>map(e -> e).orElseGet(() ->
                    new IllegalArgumentException("audit query " + record.key() + " has no value (tombstone)"));
        }
        AuditQueryResult result = answer(query);
        try {
            reply(record, query, result);
        } catch (RuntimeException e) {
            if (!tooLarge(e)) {
                throw e;
            }
            log.warn("the answer to audit query {} ({} entries) is larger than a record may be", query.getRequestId(),
                    result.getEntries().size());
            reply(record, query, AuditQueryAnswers.invalid(query, "the page of " + result.getEntries().size()
                    + " events is larger than a Kafka record may be: ask for fewer at a time"));
        }
    }

    private void reply(ConsumerRecord<String, AuditQuery> record, AuditQuery query, AuditQueryResult result) {
        PendingSends sends = new PendingSends(publisher);
        sends.publish(FleetTopics.AUDIT_QUERY_RESULTS, query.getReplyPartition(), query.getRequestId(), result,
                EventContext.causedBy(record.headers(), query.getTenantId()));
        sends.awaitAcknowledged(timeout);
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }

    private AuditQueryResult answer(AuditQuery query) {
        try {
            return answers.answer(query).block(timeout);
        } catch (RuntimeException e) {
            log.warn("audit query {} ({} of tenant {}) could not be answered: {}", query.getRequestId(),
                    query.getKind(), query.getTenantId(), e.toString());
            return AuditQueryAnswers.failed(query, "the audit log could not be read: " + e.getMessage());
        }
    }
}
