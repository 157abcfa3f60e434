package dev.fleet.audit.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import dev.fleet.audit.config.FleetAuditProperties;
import dev.fleet.audit.domain.AuditEntry;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.events.v1.DomainEvent;

/**
 * Records every event of {@code fleet.domain.events.v1} in the audit log, once. The listener waits
 * (bounded) for the row to be durable before returning, so the offset is committed only after it;
 * a redelivery finds the row and writes nothing. A failure is retried by the platform's error
 * policy, then dead-lettered; so are events with an unknown payload type or a non-UUID event id.
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

    @KafkaListener(topics = "#{T(dev.fleet.schemas.FleetTopics).DOMAIN_EVENTS.name()}")
    void on(ConsumerRecord<String, DomainEvent> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("a domain event without a value (tombstone) cannot be audited");
        }
        AuditEntry entry = AuditEntry.of(record.value());
        Boolean written = auditLog.append(entry).block(properties.writeTimeout());
        if (Boolean.FALSE.equals(written)) {
            log.debug("event {} of tenant {} was already recorded", entry.eventId(), entry.tenantId());
        }
    }
}
