package dev.fleet.audit.messaging;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import dev.fleet.audit.config.FleetAuditProperties;
import dev.fleet.audit.domain.AuditEntry;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.platform.kafka.DecodeFailures;
import dev.fleet.platform.kafka.TransientFailures;

/**
 * Records every event of {@code fleet.domain.events.v1} in the audit log, once, a poll's batch at a
 * time (one transaction). The listener waits (bounded) for the rows to be durable before returning,
 * so offsets are committed only after them; a redelivery finds the rows and writes nothing.
 * <p>
 * Failures: a record that can never be written (undecodable, a tombstone, an unknown payload type,
 * a non-UUID event id, a value the database refuses) stops the batch there: the records before it
 * are written and committed, it is reported by index and the platform's error policy dead-letters
 * it. A transient failure (the database away, a timeout) writes nothing and is reported at the
 * batch's first record: the platform retries it with backoff, the consumer paused and readiness
 * down, until the database answers again; it is never dead-lettered.
 */
@Component
class DomainEventListener {

    private static final Logger log = LoggerFactory.getLogger(DomainEventListener.class);

    private final AuditLog auditLog;
    private final FleetAuditProperties properties;

    DomainEventListener(AuditLog auditLog, FleetAuditProperties properties) {
        this.auditLog = auditLog;
        this.properties = properties;
    }

    @KafkaListener(id = "audit", idIsGroup = false,
            topics = "#{T(dev.fleet.schemas.FleetTopics).DOMAIN_EVENTS.name()}",
            containerFactory = "fleetBatchListenerFactory",
            properties = "max.poll.records=${fleet.audit.batch-size}")
    void on(List<ConsumerRecord<String, DomainEvent>> records) {
        List<AuditEntry> entries = new ArrayList<>(records.size());
        RuntimeException problem = null;
        for (ConsumerRecord<String, DomainEvent> record : records) {
            try {
                entries.add(entryOf(record));
            } catch (RuntimeException e) {
                problem = e;
                break;
            }
        }
        write(entries, records);
        if (problem != null) {
            throw failed(records, entries.size(), problem);
        }
    }

    private void write(List<AuditEntry> entries, List<ConsumerRecord<String, DomainEvent>> records) {
        try {
            append(entries);
        } catch (RuntimeException e) {
            if (TransientFailures.isTransient(e) || entries.size() == 1) {
                throw failed(records, 0, e);
            }
            writeOneByOne(entries, records); // find the record the database refuses
        }
    }

    private void writeOneByOne(List<AuditEntry> entries, List<ConsumerRecord<String, DomainEvent>> records) {
        for (int i = 0; i < entries.size(); i++) {
            try {
                append(List.of(entries.get(i)));
            } catch (RuntimeException e) {
                throw failed(records, i, e);
            }
        }
    }

    private void append(List<AuditEntry> entries) {
        Integer written = auditLog.append(entries).timeout(properties.writeTimeout()).block();
        if (written != null && written < entries.size()) {
            log.debug("{} of {} events were already recorded", entries.size() - written, entries.size());
        }
    }

    private static AuditEntry entryOf(ConsumerRecord<String, DomainEvent> record) {
        if (record.value() == null) {
            throw DecodeFailures.of(record).<RuntimeException>map(e -> e).orElseGet(() ->
                    new IllegalArgumentException("a domain event without a value (tombstone) cannot be audited"));
        }
        return AuditEntry.of(record.value());
    }

    private static BatchListenerFailedException failed(List<ConsumerRecord<String, DomainEvent>> records, int index,
            RuntimeException cause) {
        ConsumerRecord<String, DomainEvent> record = records.get(index);
        return new BatchListenerFailedException("cannot record " + record.topic() + "-" + record.partition() + "@"
                + record.offset() + ": " + cause.getMessage(), cause, index);
    }
}
