package dev.fleet.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.fleet.events.v1.AuditChainCheck;
import dev.fleet.events.v1.AuditLogEntry;
import dev.fleet.events.v1.AuditQuery;
import dev.fleet.events.v1.AuditQueryKind;
import dev.fleet.events.v1.AuditQueryResult;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.ReplyError;
import dev.fleet.orchestrator.domain.audit.AuditPage;
import dev.fleet.orchestrator.domain.audit.AuditQueries;
import dev.fleet.orchestrator.domain.audit.AuditQueryRejectedException;
import dev.fleet.orchestrator.domain.audit.AuditUnavailableException;
import dev.fleet.orchestrator.domain.audit.AuditVerification;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/**
 * The orchestrator's {@link AuditQueries} against the real broker, the test standing in for the
 * audit service (decision 0041): each query names this replica's reply partition and the answer
 * produced there completes the call, a page with its cursor, a verification naming the broken row;
 * the audit service's refusal is an {@link AuditQueryRejectedException}; silence is an
 * {@link AuditUnavailableException} after {@code FLEET_AUDIT_QUERY_TIMEOUT}, never a hang.
 */
@SpringBootTest(properties = "fleet.orchestrator.audit.query-timeout=4s")
@DirtiesContext // its chat consumers must not answer the other test classes' requests in the same JVM
class AuditQueriesIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static KafkaProducer<String, SpecificRecord> producer;
    private static TopicReader<String, SpecificRecord> queries;

    @Autowired
    private AuditQueries auditQueries;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @BeforeAll
    static void connect() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
    }

    @AfterAll
    static void close() {
        if (queries != null) {
            queries.close();
        }
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void asksTheAuditServiceForAPageAndReadsItsAnswerOnItsOwnPartition() throws Exception {
        // given
        UUID tenant = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        Instant occurred = Instant.parse("2026-11-30T10:15:30.123Z");

        // when the console asks for ApiKeyIssued events after sequence 40, 2 at a time
        CompletableFuture<AuditPage> page = auditQueries.events(tenant, Optional.of("ApiKeyIssued"), 40,
                OptionalInt.of(2)).toFuture();
        ConsumerRecord<String, SpecificRecord> asked = awaitQuery(tenant);
        AuditQuery query = (AuditQuery) asked.value();
        answer(query, AuditQueryResult.newBuilder().setRequestId(query.getRequestId())
                .setEntries(List.of(entry(41, eventId, occurred), entry(43, UUID.randomUUID(), occurred)))
                .setNextAfterSequence(43L).build());

        // then the query says what was asked, keyed by its request id
        assertThat(asked.key()).isEqualTo(query.getRequestId());
        assertThat(query.getKind()).isEqualTo(AuditQueryKind.EVENTS);
        assertThat(query.getEventType()).isEqualTo("ApiKeyIssued");
        assertThat(query.getAfterSequence()).isEqualTo(40);
        assertThat(query.getLimit()).isEqualTo(2);
        assertThat(query.getReplyPartition()).isNotNull();
        // and the answer on the named partition completes the call
        AuditPage result = page.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.nextAfterSequence()).isEqualTo(OptionalLong.of(43));
        assertThat(result.entries()).hasSize(2);
        AuditPage.Entry first = result.entries().get(0);
        assertThat(first).isEqualTo(new AuditPage.Entry(41, 7L, eventId, "ApiKeyIssued", "key/k2", "admin",
                "orchestrator", occurred, occurred.plusSeconds(1), "{\"keyId\": \"k2\"}", "ab".repeat(32)));
    }

    @Test
    void asksForTheDefaultPageOfEveryTypeWhenNoneIsGiven() throws Exception {
        UUID tenant = UUID.randomUUID();

        CompletableFuture<AuditPage> page = auditQueries.events(tenant, Optional.empty(), 0, OptionalInt.empty())
                .toFuture();
        AuditQuery query = (AuditQuery) awaitQuery(tenant).value();
        answer(query, AuditQueryResult.newBuilder().setRequestId(query.getRequestId()).build());

        assertThat(query.getEventType()).isNull();
        assertThat(query.getLimit()).isNull();
        assertThat(query.getAfterSequence()).isZero();
        AuditPage result = page.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.entries()).isEmpty();
        assertThat(result.nextAfterSequence()).isEmpty();
    }

    @Test
    void verifiesAChainAndNamesItsFirstBrokenRow() throws Exception {
        // given
        UUID tenant = UUID.randomUUID();
        UUID broken = UUID.randomUUID();

        // when
        CompletableFuture<AuditVerification> verification = auditQueries.verify(tenant).toFuture();
        AuditQuery query = (AuditQuery) awaitQuery(tenant).value();
        answer(query, AuditQueryResult.newBuilder().setRequestId(query.getRequestId())
                .setVerification(AuditChainCheck.newBuilder().setOk(false).setEntriesChecked(3)
                        .setFirstBrokenPosition(2L).setFirstBrokenEventId(broken.toString())
                        .setReason("the row was changed").setHeadHash("cd".repeat(32)).build())
                .build());

        // then
        assertThat(query.getKind()).isEqualTo(AuditQueryKind.VERIFY);
        assertThat(verification.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new AuditVerification(false, 3,
                Optional.of(new AuditVerification.Broken(2, broken, "the row was changed")), "cd".repeat(32)));
    }

    @Test
    void reportsTheAuditServicesRefusal() throws Exception {
        UUID tenant = UUID.randomUUID();

        CompletableFuture<AuditPage> page = auditQueries.events(tenant, Optional.empty(), 0, OptionalInt.of(5000))
                .toFuture();
        AuditQuery query = (AuditQuery) awaitQuery(tenant).value();
        answer(query, AuditQueryResult.newBuilder().setRequestId(query.getRequestId())
                .setError(new ReplyError(ErrorType.INVALID_REQUEST_ERROR, ErrorCode.INVALID_REQUEST,
                        "limit must be an integer from 1 to 1000"))
                .build());

        assertThatThrownBy(() -> page.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(AuditQueryRejectedException.class)
                .hasMessageContaining("limit must be an integer from 1 to 1000")
                .matches(e -> ((AuditQueryRejectedException) e).invalidRequest());
    }

    @Test
    void failsClearlyWhenTheAuditServiceDoesNotAnswer() {
        // given an audit service that reads the query but never answers
        UUID tenant = UUID.randomUUID();

        // when
        CompletableFuture<AuditVerification> verification = auditQueries.verify(tenant).toFuture();
        awaitQuery(tenant);

        // then the call fails after the configured timeout, saying so, instead of hanging
        assertThatThrownBy(() -> verification.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("did not answer the audit chain verification within PT4S")
                .hasMessageContaining("FLEET_AUDIT_QUERY_TIMEOUT");
    }

    private static AuditLogEntry entry(long sequence, UUID eventId, Instant occurred) {
        return AuditLogEntry.newBuilder().setSequence(sequence).setChainPosition(7L).setEventId(eventId.toString())
                .setType("ApiKeyIssued").setSubject("key/k2").setActor("admin").setProducedBy("orchestrator")
                .setOccurredAt(occurred).setRecordedAt(occurred.plusSeconds(1)).setPayloadJson("{\"keyId\": \"k2\"}")
                .setHash("ab".repeat(32)).build();
    }

    private static ConsumerRecord<String, SpecificRecord> awaitQuery(UUID tenant) {
        return reader().awaitRecord(r -> r.value() instanceof AuditQuery q && q.getTenantId().equals(tenant.toString()),
                WAIT);
    }

    private static synchronized TopicReader<String, SpecificRecord> reader() {
        if (queries == null) {
            queries = TopicReader.decoded(FleetTopics.AUDIT_QUERIES.name(), (topic, data) -> {
                try {
                    return data == null ? null : SERDE.deserialize(topic, data);
                } catch (RuntimeException e) {
                    return null; // another test's undecodable record
                }
            });
        }
        return queries;
    }

    /** Answers as the audit service does: keyed by the request id, on the partition the query names. */
    private static void answer(AuditQuery query, AuditQueryResult result) {
        try {
            producer.send(new ProducerRecord<>(FleetTopics.AUDIT_QUERY_RESULTS.name(), query.getReplyPartition(),
                    query.getRequestId(), result)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
