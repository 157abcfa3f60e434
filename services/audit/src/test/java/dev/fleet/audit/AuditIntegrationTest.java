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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.ApiKeyIssued;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.TopicProbe;

/**
 * The audit service against the real in-JVM broker and the local PostgreSQL: domain events become
 * one row each however often they are delivered, the log is served only to admins, the database
 * refuses to change it, and a poison record goes to the dead-letter topic while later events are
 * still recorded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fleet.kafka.retry-backoff=50ms")
class AuditIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ParameterizedTypeReference<Map<String, List<Map<String, Object>>>> EVENTS =
            new ParameterizedTypeReference<>() {
            };

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @Autowired
    WebTestClient http;

    @Autowired
    FleetPublisher publisher;

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
    void databaseRejectsUpdatesAndDeletesOfTheLog() throws SQLException {
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
