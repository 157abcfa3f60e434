package dev.fleet.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.ReactiveTransactionManager;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.fleet.audit.domain.AuditEntry;
import dev.fleet.audit.domain.AuditedEvent;
import dev.fleet.audit.domain.AuditLog;
import dev.fleet.audit.persistence.R2dbcAuditLog;
import dev.fleet.events.v1.AccessRefusals;
import dev.fleet.events.v1.ApiKeyIssued;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.TcpProxy;
import dev.fleet.test.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;

/**
 * The audit service against the real in-JVM broker and the local PostgreSQL (reached through a
 * {@link TcpProxy} the test can cut): domain events become one row each however often they are
 * delivered, chained per tenant; the log is served only to admins, exported as JSONL and verified;
 * the database refuses to change it and verification names a row changed behind its back; a
 * poison record goes to the dead-letter topic while later events are still recorded; a database
 * outage dead-letters nothing.
 */
@AutoConfigureObservability(tracing = false) // tests turn metrics export off unless asked
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fleet.kafka.retry-backoff=50ms", "fleet.kafka.transient-backoff-max=1s",
                "fleet.audit.write-timeout=3s", "fleet.audit.batch-size=20"})
@DirtiesContext // its database proxy closes after the class: its consumers must not answer the next class's queries
class AuditIntegrationTest {

    private static final TcpProxy DATABASE = TcpProxy.open();

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ParameterizedTypeReference<Map<String, List<Map<String, Object>>>> EVENTS =
            new ParameterizedTypeReference<>() {
            };

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        String[] hostPort = SharedPostgres.hostPort().split(":");
        DATABASE.forwardTo(hostPort[0], Integer.parseInt(hostPort[1]));
        registry.add("spring.r2dbc.url", () -> SharedPostgres.r2dbcUrl().replace(SharedPostgres.hostPort(),
                DATABASE.address()));
        registry.add("management.endpoint.health.show-components", () -> "always");
    }

    @AfterAll
    static void closeProxy() {
        DATABASE.close();
    }

    @Autowired
    WebTestClient http;

    @Autowired
    FleetPublisher publisher;

    @Autowired
    AuditLog auditLog;

    @Autowired
    DatabaseClient database;

    @Autowired
    ReactiveTransactionManager transactionManager;

    @Autowired
    MeterRegistry meters;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TopicProbe probe = TopicProbe.shared();

    @Test
    void recordsAnEventOnceEvenWhenItIsDeliveredTwice() throws SQLException {
        // given
        String tenant = UUID.randomUUID().toString();
        DomainEvent event = completion(tenant);
        DomainEvent later = keyIssued(tenant);

        // when the same event arrives twice, then another one after it
        publish(event);
        publish(event);
        publish(later);

        // then
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(tenant)).hasSize(2));
        List<Map<String, Object>> events = events(tenant);
        assertThat(events).extracting(e -> e.get("event_id")).containsExactly(event.getEventId(), later.getEventId());
        assertThat(rowsWithEventId(event.getEventId())).isEqualTo(1);
        Map<String, Object> first = events.get(0);
        assertThat(first).containsEntry("tenant_id", tenant).containsEntry("type", "CompletionSucceeded")
                .containsEntry("actor", "key/k1").containsEntry("subject", "request/r1")
                .containsEntry("produced_by", "orchestrator")
                .containsEntry("occurred_at", event.getOccurredAt().toString());
        assertThat(first.get("payload")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("requestId", "r1").containsEntry("model", "fleet-extractive")
                .containsEntry("promptTokens", 12).containsEntry("completionTokens", 34);
        assertThat(events.get(1)).containsEntry("type", "ApiKeyIssued");
    }

    @Test
    void servesTheLogPageByPageOnlyToAdmins() {
        // given
        String tenant = UUID.randomUUID().toString();
        List<DomainEvent> published = List.of(keyIssued(tenant), completion(tenant), keyIssued(tenant));
        published.forEach(this::publish);
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(tenant)).hasSize(3));

        // when
        List<Map<String, Object>> firstPage = page("/audit/events?tenant=" + tenant + "&limit=2");
        Object lastSeq = firstPage.get(1).get("seq");
        List<Map<String, Object>> secondPage = page("/audit/events?tenant=" + tenant + "&limit=2&after=" + lastSeq);

        // then
        assertThat(firstPage).extracting(e -> e.get("event_id"))
                .containsExactly(published.get(0).getEventId(), published.get(1).getEventId());
        assertThat(secondPage).extracting(e -> e.get("event_id")).containsExactly(published.get(2).getEventId());
        http.get().uri("/audit/events?tenant={tenant}", tenant).exchange()
                .expectStatus().isUnauthorized();
        http.get().uri("/audit/events").header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("tenant");
    }

    @Test
    void databaseRejectsUpdatesAndDeletesOfTheLogAndRowsThatDoNotContinueAChain() throws SQLException {
        // given a recorded event
        String tenant = UUID.randomUUID().toString();
        DomainEvent event = completion(tenant);
        publish(event);
        await().atMost(WAIT).untilAsserted(() -> assertThat(rowsWithEventId(event.getEventId())).isEqualTo(1));

        try (Connection db = SharedPostgres.connect()) {
            // when / then
            assertThatThrownBy(() -> execute(db, "UPDATE audit.events SET actor = 'someone else' WHERE event_id = ?",
                    event.getEventId())).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> execute(db, "DELETE FROM audit.events WHERE event_id = ?", event.getEventId()))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> execute(db, "INSERT INTO audit.events (event_id, tenant_id, type, occurred_at, "
                    + "actor, subject, produced_by, payload, chain_position, prev_hash, hash) SELECT ?, tenant_id, type, "
                    + "occurred_at, actor, subject, produced_by, payload, 7, hash, hash FROM audit.events "
                    + "WHERE tenant_id = '" + tenant + "'", UUID.randomUUID().toString()))
                    .isInstanceOf(SQLException.class).hasMessageContaining("do not continue their chain head");
        }
        assertThat(rowsWithEventId(event.getEventId())).isEqualTo(1);
        assertThat(events(tenant)).singleElement().extracting(e -> e.get("actor")).isEqualTo("key/k1");
    }

    @Test
    void deadLettersAPoisonRecordAndRecordsLaterEvents() throws SQLException {
        // given
        String tenant = UUID.randomUUID().toString();
        byte[] poison = "not a domain event".getBytes(StandardCharsets.UTF_8);
        DomainEvent later = completion(tenant);

        // when
        probe.sendRaw(FleetTopics.DOMAIN_EVENTS.name(), tenant, poison);
        publish(later);

        // then
        ConsumerRecord<byte[], byte[]> dead = probe.awaitKey(FleetTopics.DOMAIN_EVENTS.dlq(), tenant, WAIT);
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(TopicProbe.header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).contains(FleetTopics.DOMAIN_EVENTS.name());
        await().atMost(WAIT).untilAsserted(() -> assertThat(rowsWithEventId(later.getEventId())).isEqualTo(1));
        // and an SRE sees the dead letter, and the Kafka clients, in the scrape
        await().atMost(WAIT).untilAsserted(() -> assertThat(prometheus())
                .containsPattern("fleet_dlq_records_total\\{[^}]*topic=\"fleet\\.domain\\.events\\.v1\"[^}]*} [1-9]")
                .containsPattern("kafka_consumer_fetch_manager_fetch_total\\{[^}]*group=\"audit\"")
                .contains("kafka_producer_record_send_total{"));
    }

    private String prometheus() {
        return http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult().getResponseBody();
    }

    @Test
    void recordsEveryEventPublishedWhileTheDatabaseIsAwayAndDeadLettersNone() throws Exception {
        // given
        String tenant = UUID.randomUUID().toString();
        List<DomainEvent> published = IntStream.range(0, 100).mapToObj(i -> completion(tenant)).toList();
        long cutAt = System.nanoTime();

        // when the database is unreachable for 10 s while 100 events are published
        DATABASE.cut();
        try {
            published.forEach(this::publish);
            await().atMost(WAIT).untilAsserted(() -> readiness()
                    .expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.components.listenerOutages.status").isEqualTo("DOWN"));
            long heldMillis = Duration.ofSeconds(10).minusNanos(System.nanoTime() - cutAt).toMillis();
            Thread.sleep(Math.max(0, heldMillis)); // holds the outage for its 10 s; waits for nothing
        } finally {
            DATABASE.restore();
        }

        // then every event is recorded, once, in one intact chain, and none was dead-lettered
        await().atMost(WAIT).untilAsserted(() -> assertThat(rowsOfTenant(tenant)).isEqualTo(100));
        await().atMost(WAIT).untilAsserted(() -> readiness().expectStatus().isOk()
                .expectBody().jsonPath("$.components.listenerOutages.status").isEqualTo("UP"));
        assertThat(probe.readAll(FleetTopics.DOMAIN_EVENTS.dlq()))
                .noneMatch(dead -> dead.key() != null && tenant.equals(new String(dead.key(), StandardCharsets.UTF_8)));
        verify(tenant).jsonPath("$.rows").isEqualTo(100).jsonPath("$.valid").isEqualTo(true);
    }

    @Test
    void chainsATenantsEventsAndVerificationNamesARowChangedBehindTheLogsBack() throws SQLException {
        // given three recorded events of one tenant
        String tenant = UUID.randomUUID().toString();
        List<DomainEvent> published = List.of(completion(tenant), keyIssued(tenant), completion(tenant));
        published.forEach(this::publish);
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(tenant)).hasSize(3));
        List<Map<String, Object>> rows = events(tenant);
        assertThat(rows).extracting(e -> ((Number) e.get("chain_position")).longValue()).containsExactly(1L, 2L, 3L);
        assertThat(rows.get(0).get("prev_hash")).isEqualTo("0".repeat(64));
        assertThat(rows.get(1).get("prev_hash")).isEqualTo(rows.get(0).get("hash"));
        assertThat(rows.get(2).get("prev_hash")).isEqualTo(rows.get(1).get("hash"));
        verify(tenant).jsonPath("$.tenant").isEqualTo(tenant)
                .jsonPath("$.rows").isEqualTo(3)
                .jsonPath("$.valid").isEqualTo(true)
                .jsonPath("$.first_broken").isEmpty()
                .jsonPath("$.head_hash").isEqualTo(rows.get(2).get("hash"));

        // when the second row's payload is changed in SQL, the append-only trigger disabled
        String changed = published.get(1).getEventId();
        try (Connection db = SharedPostgres.connect()) {
            db.setAutoCommit(false);
            try (var statement = db.createStatement()) {
                statement.execute("ALTER TABLE audit.events DISABLE TRIGGER events_append_only");
            }
            execute(db, "UPDATE audit.events SET payload = jsonb_set(payload, '{prefix}', '\"flt_zz99\"') "
                    + "WHERE event_id = ?", changed);
            try (var statement = db.createStatement()) {
                statement.execute("ALTER TABLE audit.events ENABLE TRIGGER events_append_only");
            }
            db.commit();
        }

        // then verification names it
        verify(tenant).jsonPath("$.rows").isEqualTo(3)
                .jsonPath("$.valid").isEqualTo(false)
                .jsonPath("$.first_broken.event_id").isEqualTo(changed)
                .jsonPath("$.first_broken.position").isEqualTo(2);
    }

    @Test
    void concurrentWritersOfOneTenantNeverForkItsChain() {
        // given
        String tenant = UUID.randomUUID().toString();

        // when 40 single-event batches of one tenant are appended 8 at a time
        Integer written = Flux.range(0, 40)
                .flatMap(i -> auditLog.append(List.of(AuditEntry.of(completion(tenant)))), 8)
                .reduce(0, Integer::sum)
                .block(WAIT);

        // then
        assertThat(written).isEqualTo(40);
        verify(tenant).jsonPath("$.rows").isEqualTo(40).jsonPath("$.valid").isEqualTo(true);
    }

    @Test
    void appendsOnRememberedHeadsUntilAnotherWriterMovesThemThenOnLockedHeads() {
        // given two writers of one log (two replicas during a rebalance), each with its own remembered heads
        R2dbcAuditLog writer = new R2dbcAuditLog(database, transactionManager);
        R2dbcAuditLog otherReplica = new R2dbcAuditLog(database, transactionManager);
        String tenant = UUID.randomUUID().toString();
        List<AuditEntry> events = IntStream.range(0, 4).mapToObj(i -> AuditEntry.of(completion(tenant))).toList();

        // when the writer appends twice, the other replica once, then the writer again
        assertThat(writer.append(List.of(events.get(0))).block(WAIT)).isEqualTo(1);
        assertThat(writer.append(List.of(events.get(1))).block(WAIT)).isEqualTo(1);
        long rememberedBeforeTheOtherReplica = writer.appendsOnRememberedHeads();
        assertThat(otherReplica.append(List.of(events.get(2))).block(WAIT)).isEqualTo(1);
        assertThat(writer.append(List.of(events.get(3))).block(WAIT)).isEqualTo(1);

        // then its second batch went on the head its first left, without a lock; its last batch, on a
        // head the other replica had moved, was refused whole and appended again on the locked head
        assertThat(rememberedBeforeTheOtherReplica).isEqualTo(1);
        assertThat(writer.appendsOnRememberedHeads()).isEqualTo(2);
        assertThat(writer.staleHeads()).isEqualTo(1);
        assertThat(writer.appendsOnLockedHeads()).isEqualTo(2);
        assertThat(auditLog.chain(tenant).map(AuditedEvent::eventId).collectList().block(WAIT))
                .containsExactlyElementsOf(events.stream().map(AuditEntry::eventId).toList());
        verify(tenant).jsonPath("$.rows").isEqualTo(4).jsonPath("$.valid").isEqualTo(true);
        assertThat(meters.get("fleet.audit.heads.stale").functionCounter()).isNotNull();
        assertThat(meters.get("fleet.audit.appends").tag("heads", "remembered").functionCounter()).isNotNull();
    }

    @Test
    void writesOnlyTheNewEventsOfABatchRedeliveredInPart() {
        // given a recorded batch
        String tenant = UUID.randomUUID().toString();
        AuditEntry first = AuditEntry.of(completion(tenant));
        AuditEntry second = AuditEntry.of(keyIssued(tenant));
        assertThat(auditLog.append(List.of(first, second)).block(WAIT)).isEqualTo(2);

        // when its second event comes again with a new one
        Integer written = auditLog.append(List.of(second, AuditEntry.of(completion(tenant)))).block(WAIT);

        // then
        assertThat(written).isEqualTo(1);
        verify(tenant).jsonPath("$.rows").isEqualTo(3).jsonPath("$.valid").isEqualTo(true);
    }

    @Test
    void chainsABatchOfManyCopyPiecesAcrossTenantsAndSkipsRedeliveriesInAnyPiece() {
        // given two tenants with a recorded event each, and a batch of 1,300 events (six COPY pieces
        // of 250 rows) alternating between them, the recorded ones again in its third and last pieces
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        AuditEntry recordedA = AuditEntry.of(completion(a));
        AuditEntry recordedB = AuditEntry.of(keyIssued(b));
        assertThat(auditLog.append(List.of(recordedA, recordedB)).block(WAIT)).isEqualTo(2);
        List<AuditEntry> batch = new ArrayList<>();
        for (int i = 0; i < 1300; i++) {
            batch.add(AuditEntry.of(i % 2 == 0 ? completion(a) : keyIssued(b)));
        }
        batch.set(600, recordedA);
        batch.set(1299, recordedB);

        // when
        Integer written = auditLog.append(batch).block(WAIT);

        // then every new event is written once, in order, and both chains verify
        assertThat(written).isEqualTo(1298);
        verify(a).jsonPath("$.rows").isEqualTo(650).jsonPath("$.valid").isEqualTo(true);
        verify(b).jsonPath("$.rows").isEqualTo(650).jsonPath("$.valid").isEqualTo(true);
        assertThat(auditLog.chain(a).map(AuditedEvent::eventId).collectList().block(WAIT)).containsExactlyElementsOf(
                Stream.concat(Stream.of(recordedA), batch.stream().filter(e -> e.tenantId().equals(a) && e != recordedA))
                        .map(AuditEntry::eventId).toList());
    }

    @Test
    void exportsATenantsEventsOfATimeRangeAsJsonLines() throws Exception {
        // given events that occurred three, two and one hours ago
        String tenant = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<DomainEvent> published = List.of(3, 2, 1).stream().map(hours -> {
            DomainEvent event = completion(tenant);
            event.setOccurredAt(now.minus(Duration.ofHours(hours)));
            return event;
        }).toList();
        published.forEach(this::publish);
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(tenant)).hasSize(3));

        // when
        var result = http.get().uri("/audit/events?tenant={t}&from={from}&to={to}&format=jsonl", tenant,
                        now.minus(Duration.ofMinutes(150)), now)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("application/jsonl")
                .expectBody(String.class).returnResult();

        // then
        List<String> lines = result.getResponseBody().lines().toList();
        assertThat(lines).hasSize(2);
        List<Map<String, Object>> exported = new ArrayList<>();
        for (String line : lines) {
            exported.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() {
            }));
        }
        assertThat(exported).extracting(e -> e.get("event_id"))
                .containsExactly(published.get(1).getEventId(), published.get(2).getEventId());
        assertThat(exported).allSatisfy(e -> assertThat(e).containsKeys("hash", "prev_hash", "chain_position",
                "payload"));
    }

    @Test
    void storesChainsAndServesTheGatewaysAccessRefusals() {
        // given the refusals of one minute without a known tenant and of a real tenant
        String tenant = UUID.randomUUID().toString();
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        DomainEvent anonymous = envelope("unauthenticated", "gateway", "access", new AccessRefusals(minute,
                "gateway-1", Map.of("invalid_api_key", 7L, "missing_api_key", 2L), List.of()));
        DomainEvent limited = envelope(tenant, "gateway", "access", new AccessRefusals(minute, "gateway-1",
                Map.of("rate_limit_requests", 12L), List.of("k1")));

        // when
        publish(anonymous);
        publish(limited);

        // then
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(tenant)).hasSize(1));
        Map<String, Object> stored = events(tenant).get(0);
        assertThat(stored).containsEntry("type", "AccessRefusals").containsEntry("chain_position", 1)
                .containsEntry("payload", Map.of("minuteStart", minute.toString(), "replica", "gateway-1",
                        "counts", Map.of("rate_limit_requests", 12), "keyIds", List.of("k1")));
        verify(tenant).jsonPath("$.valid").isEqualTo(true).jsonPath("$.rows").isEqualTo(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(exportedEventIds("unauthenticated"))
                .contains(anonymous.getEventId()));
        verify("unauthenticated").jsonPath("$.valid").isEqualTo(true);
    }

    private List<String> exportedEventIds(String tenant) throws Exception {
        String body = http.get().uri("/audit/events?tenant={t}&format=jsonl", tenant)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        List<String> ids = new ArrayList<>();
        for (String line : body == null ? List.<String>of() : body.lines().toList()) {
            ids.add(JSON.readTree(line).get("event_id").asText());
        }
        return ids;
    }

    private WebTestClient.BodyContentSpec verify(String tenant) {
        return http.get().uri("/audit/verify?tenant={t}", tenant)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange().expectStatus().isOk().expectBody();
    }

    private WebTestClient.ResponseSpec readiness() {
        return http.get().uri("/actuator/health/readiness").exchange();
    }

    private static int rowsOfTenant(String tenant) throws SQLException {
        try (Connection db = SharedPostgres.connect();
                PreparedStatement count = db.prepareStatement("SELECT count(*) FROM audit.events WHERE tenant_id = ?")) {
            count.setString(1, tenant);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void publish(DomainEvent event) {
        EventContext context = EventContext.newEvent(event.getTenantId()).withEventId(event.getEventId());
        publisher.publish(FleetTopics.DOMAIN_EVENTS, event.getTenantId(), event, context).join();
    }

    private List<Map<String, Object>> events(String tenant) {
        return page("/audit/events?tenant=" + tenant);
    }

    private List<Map<String, Object>> page(String uri) {
        Map<String, List<Map<String, Object>>> body = http.get().uri(uri)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange()
                .expectStatus().isOk()
                .expectBody(EVENTS).returnResult().getResponseBody();
        return body.get("events");
    }

    private static int rowsWithEventId(String eventId) throws SQLException {
        try (Connection db = SharedPostgres.connect();
                PreparedStatement count = db.prepareStatement("SELECT count(*) FROM audit.events WHERE event_id = ?")) {
            count.setObject(1, UUID.fromString(eventId));
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void execute(Connection db, String sql, String eventId) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setObject(1, UUID.fromString(eventId));
            statement.executeUpdate();
        }
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
