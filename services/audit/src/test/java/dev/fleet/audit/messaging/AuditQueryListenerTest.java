package dev.fleet.audit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.audit.domain.AuditEntry;
import dev.fleet.audit.domain.AuditEventType;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.events.v1.ApiKeyIssued;
import dev.fleet.events.v1.AuditChainCheck;
import dev.fleet.events.v1.AuditLogEntry;
import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryKind;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.TopicProbe;
import dev.fleet.test.TopicReader;

/**
 * The audit service answering {@code fleet.audit.queries.v1} (decision 0041) against the real
 * in-JVM broker and the local PostgreSQL: pages of a tenant's log with the paging of
 * {@code GET /audit/events}, filtered by type, on the partition the asker named; the chain's
 * verification naming a row changed behind the log's back; a limit out of bounds, or a page too large
 * for one record, answered with an error; a record that is not a query dead-lettered while the next
 * query is still answered.
 */
@SpringBootTest(properties = {"fleet.kafka.retry-backoff=50ms", "fleet.audit.default-page-size=20",
        "fleet.audit.max-page-size=50"})
@DirtiesContext // its query consumer, sharing group audit-queries, must not answer another class's queries
class AuditQueryListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static TopicReader<String, SpecificRecord> results;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @AfterAll
    static void close() {
        if (results != null) {
            results.close();
        }
    }

    @Autowired
    AuditLog auditLog;

    @Autowired
    FleetPublisher publisher;

    private final TopicProbe probe = TopicProbe.shared();

    @Test
    void answersATenantsLogPageByPageAndByTypeOnTheAskersPartition() {
        // given five events of one tenant (keys issued and completions, interleaved) and one of another tenant
        String tenant = UUID.randomUUID().toString();
        List<DomainEvent> events = List.of(keyIssued(tenant), completion(tenant), keyIssued(tenant),
                completion(tenant), keyIssued(tenant));
        record(events);
        record(List.of(keyIssued(UUID.randomUUID().toString())));

        // when the log is asked for two at a time
        ConsumerRecord<String, SpecificRecord> first = ask(events(tenant, null, 0, 2).setReplyPartition(1).build());
        AuditQueryResult page1 = (AuditQueryResult) first.value();
        AuditQueryResult page2 = result(events(tenant, null, page1.getNextAfterSequence(), 2).build());
        AuditQueryResult page3 = result(events(tenant, null, page2.getNextAfterSequence(), 2).build());

        // then the pages hold the tenant's events in recording order, and the last says there is no next one
        assertThat(first.partition()).isEqualTo(1);
        assertThat(page1.getError()).isNull();
        assertThat(List.of(page1, page2, page3)).flatExtracting(AuditQueryResult::getEntries)
                .extracting(AuditLogEntry::getEventId)
                .containsExactlyElementsOf(events.stream().map(DomainEvent::getEventId).toList());
        assertThat(page1.getNextAfterSequence()).isEqualTo(page1.getEntries().get(1).getSequence());
        assertThat(page3.getEntries()).hasSize(1);
        assertThat(page3.getNextAfterSequence()).isNull();
        AuditLogEntry entry = page1.getEntries().get(1);
        assertThat(entry.getType()).isEqualTo("CompletionSucceeded");
        assertThat(entry.getActor()).isEqualTo("key/k1");
        assertThat(entry.getSubject()).isEqualTo("request/r1");
        assertThat(entry.getProducedBy()).isEqualTo("orchestrator");
        assertThat(entry.getChainPosition()).isEqualTo(2L);
        assertThat(entry.getOccurredAt()).isEqualTo(events.get(1).getOccurredAt());
        assertThat(entry.getPayloadJson()).contains("fleet-extractive");
        assertThat(entry.getHash()).hasSize(64);

        // and when only one type is asked for
        AuditQueryResult keys = result(events(tenant, "ApiKeyIssued", 0, 10).build());

        // then only its events are answered
        assertThat(keys.getEntries()).extracting(AuditLogEntry::getEventId).containsExactly(
                events.get(0).getEventId(), events.get(2).getEventId(), events.get(4).getEventId());
        assertThat(keys.getEntries()).extracting(AuditLogEntry::getType).containsOnly("ApiKeyIssued");
        assertThat(keys.getNextAfterSequence()).isNull();
    }

    @Test
    void verifiesATenantsChainAndNamesARowChangedBehindTheLogsBack() throws SQLException {
        // given three recorded events
        String tenant = UUID.randomUUID().toString();
        List<DomainEvent> events = List.of(completion(tenant), keyIssued(tenant), completion(tenant));
        record(events);

        // when the chain is verified
        AuditChainCheck intact = result(verify(tenant)).getVerification();

        // then
        assertThat(intact.getOk()).isTrue();
        assertThat(intact.getEntriesChecked()).isEqualTo(3);
        assertThat(intact.getFirstBrokenPosition()).isNull();
        assertThat(intact.getHeadHash()).hasSize(64);

        // when the second row's payload is changed in SQL, the append-only trigger disabled
        String changed = events.get(1).getEventId();
        try (Connection db = SharedPostgres.connect()) {
            db.setAutoCommit(false);
            try (var statement = db.createStatement()) {
                statement.execute("ALTER TABLE audit.events DISABLE TRIGGER events_append_only");
            }
            try (PreparedStatement update = db.prepareStatement("UPDATE audit.events SET payload = "
                    + "jsonb_set(payload, '{prefix}', '\"flt_zz99\"') WHERE event_id = ?")) {
                update.setObject(1, UUID.fromString(changed));
                update.executeUpdate();
            }
            try (var statement = db.createStatement()) {
                statement.execute("ALTER TABLE audit.events ENABLE TRIGGER events_append_only");
            }
            db.commit();
        }
        AuditQueryResult broken = result(verify(tenant));

        // then the verification names it and why
        assertThat(broken.getEntries()).isEmpty();
        AuditChainCheck check = broken.getVerification();
        assertThat(check.getOk()).isFalse();
        assertThat(check.getEntriesChecked()).isEqualTo(3);
        assertThat(check.getFirstBrokenPosition()).isEqualTo(2L);
        assertThat(check.getFirstBrokenEventId()).isEqualTo(changed);
        assertThat(check.getReason()).contains("the row was changed");
    }

    @Test
    void answersALimitOutOfBoundsWithAnError() {
        AuditQueryResult result = result(events(UUID.randomUUID().toString(), null, 0, 51).build());

        assertThat(result.getError()).isNotNull();
        assertThat(result.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(result.getError().getMessage()).contains("1 to 50");
        assertThat(result.getEntries()).isEmpty();
    }

    @Test
    void answersAPageTooLargeForOneRecordWithAnErrorAskingForFewerEvents() {
        // given two events whose payloads together exceed a record's 1 MiB
        String tenant = UUID.randomUUID().toString();
        String blob = "x".repeat(600_000);
        List<AuditEntry> large = List.of(largeEntry(tenant, blob), largeEntry(tenant, blob));
        assertThat(auditLog.append(large).block(WAIT)).isEqualTo(2);

        // when both are asked for, then one
        AuditQueryResult both = result(events(tenant, null, 0, 2).build());
        AuditQueryResult one = result(events(tenant, null, 0, 1).build());

        // then
        assertThat(both.getError().getCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(both.getError().getMessage()).contains("ask for fewer");
        assertThat(one.getError()).isNull();
        assertThat(one.getEntries()).singleElement().satisfies(e -> assertThat(e.getPayloadJson()).contains(blob));
    }

    private static AuditEntry largeEntry(String tenant, String blob) {
        return new AuditEntry(UUID.randomUUID(), tenant, AuditEventType.API_KEY_ISSUED,
                Instant.now().truncatedTo(ChronoUnit.MICROS), "admin", "key/k3", "orchestrator",
                "{\"keyId\": \"k3\", \"blob\": \"" + blob + "\"}");
    }

    @Test
    void deadLettersARecordThatIsNotAQueryAndAnswersTheNextOne() {
        // given a poison record, then a query with the same key (the same partition, after it)
        String key = UUID.randomUUID().toString();
        byte[] poison = "not an audit query".getBytes(StandardCharsets.UTF_8);
        String tenant = UUID.randomUUID().toString();
        record(List.of(keyIssued(tenant)));

        // when
        probe.sendRaw(FleetTopics.AUDIT_QUERIES.name(), key, poison);
        AuditQueryResult answered = result(events(tenant, null, 0, 10).setRequestId(key).build());

        // then
        ConsumerRecord<byte[], byte[]> dead = probe.awaitKey(FleetTopics.AUDIT_QUERIES.dlq(), key, WAIT);
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(TopicProbe.header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).contains(FleetTopics.AUDIT_QUERIES.name());
        assertThat(answered.getEntries()).hasSize(1);
    }

    private void record(List<DomainEvent> events) {
        List<AuditEntry> entries = events.stream().map(AuditEntry::of).toList();
        assertThat(auditLog.append(entries).block(WAIT)).isEqualTo(entries.size());
    }

    private AuditQueryResult result(AuditQuery query) {
        return (AuditQueryResult) ask(query).value();
    }

    private ConsumerRecord<String, SpecificRecord> ask(AuditQuery query) {
        publisher.publish(FleetTopics.AUDIT_QUERIES, query.getRequestId(), query,
                EventContext.newEvent(query.getTenantId())).join();
        return reader().awaitRecord(r -> query.getRequestId().equals(r.key()), WAIT);
    }

    private static synchronized TopicReader<String, SpecificRecord> reader() {
        if (results == null) {
            results = TopicReader.decoded(FleetTopics.AUDIT_QUERY_RESULTS.name(), (topic, data) -> {
                try {
                    return data == null ? null : SERDE.deserialize(topic, data);
                } catch (RuntimeException e) {
                    return null; // another test's undecodable record
                }
            });
        }
        return results;
    }

    private static AuditQuery.Builder events(String tenant, String type, long after, int limit) {
        return query(tenant, AuditQueryKind.EVENTS).setEventType(type).setAfterSequence(after).setLimit(limit);
    }

    private static AuditQuery verify(String tenant) {
        return query(tenant, AuditQueryKind.VERIFY).build();
    }

    private static AuditQuery.Builder query(String tenant, AuditQueryKind kind) {
        return AuditQuery.newBuilder().setRequestId(UUID.randomUUID().toString()).setTenantId(tenant).setKind(kind)
                .setReplyTo("test").setReplyPartition(0).setRequestedAt(Instant.now());
    }

    private static DomainEvent completion(String tenant) {
        return envelope(tenant, "key/k1", "request/r1",
                new CompletionSucceeded("r1", "fleet-extractive", 12, 34, null, 0, 0, 0, null, null));
    }

    private static DomainEvent keyIssued(String tenant) {
        return envelope(tenant, "admin", "key/k2", new ApiKeyIssued("k2", "flt_ab12"));
    }

    private static DomainEvent envelope(String tenant, String actor, String subject, Object payload) {
        return DomainEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setActor(actor).setSubject(subject)
                .setProducedBy("orchestrator").setPayload(payload).build();
    }
}
