package dev.fleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.QuotaExceeded;
import dev.fleet.events.v1.QuotaWarningReached;
import dev.fleet.events.v1.QuotaWebhookChanged;
import dev.fleet.orchestrator.domain.webhooks.WebhookSignature;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.TopicProbe;
import dev.fleet.test.TopicReader;

/**
 * Quota webhooks against the real broker and PostgreSQL and a real HTTP receiver (the JDK's
 * {@link HttpServer}): registration through the admin API (secret shown once, URL validated, a
 * {@code QuotaWebhookChanged} domain event), signed deliveries of usage-metering's quota events,
 * retries with backoff, dead deliveries visible in the admin API, one delivery per event id, and a
 * poison record on the domain-events topic dead-lettered without stopping deliveries.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its chat consumers must not answer the other test class's requests in the same JVM
@ExtendWith(OutputCaptureExtension.class)
class QuotaWebhooksIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MAX_ATTEMPTS = 3;
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private static HttpServer receiver;
    private static final List<Received> received = new CopyOnWriteArrayList<>();
    /** Statuses the receiver answers per tenant path, in turn; 200 once they are used up. */
    private static final Map<String, Deque<Integer>> statuses = new ConcurrentHashMap<>();
    private static KafkaProducer<String, SpecificRecord> producer;

    @Autowired
    private WebTestClient web;

    @Autowired
    private ObjectMapper json;

    private final List<String> tenants = new ArrayList<>();

    record Received(String path, String signature, String eventId, String body) {
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.orchestrator.outbox.relay-interval", () -> "100ms");
        registry.add("fleet.orchestrator.webhooks.max-attempts", () -> String.valueOf(MAX_ATTEMPTS));
        registry.add("fleet.orchestrator.webhooks.backoff", () -> "100ms");
        registry.add("fleet.orchestrator.webhooks.max-backoff", () -> "200ms");
        registry.add("fleet.orchestrator.webhooks.poll-interval", () -> "100ms");
        registry.add("fleet.orchestrator.webhooks.timeout", () -> "2s");
    }

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(path, exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    exchange.getRequestHeaders().getFirst(WebhookSignature.EVENT_ID_HEADER), body));
            Integer status = statuses.getOrDefault(path, new ConcurrentLinkedDeque<>()).poll();
            exchange.sendResponseHeaders(status == null ? 200 : status, -1);
            exchange.close();
        });
        receiver.start();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop(0);
        producer.close(Duration.ofSeconds(5));
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        try (Connection db = SharedPostgres.connect()) {
            for (String tenant : tenants) {
                for (String sql : List.of("DELETE FROM orchestrator.webhook_deliveries WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.quota_webhooks WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.outbox WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.tenants WHERE id::text = ?")) {
                    try (PreparedStatement statement = db.prepareStatement(sql)) {
                        statement.setString(1, tenant);
                        statement.executeUpdate();
                    }
                }
            }
        }
    }

    @Test
    void deliversASignedNotificationOnceEvenWhenTheEventIsConsumedTwice(CapturedOutput output) throws Exception {
        // given a tenant with a webhook
        String tenant = newTenant();
        Map<String, Object> registered = register(tenant);
        String secret = (String) registered.get("secret");
        assertThat(secret).startsWith("whsec_").hasSize(6 + 64);

        // when its warning event is on the topic twice (a redelivery)
        DomainEvent warning = quotaEvent(tenant, new QuotaWarningReached("2026-11", 800L, 1000L));
        publish(warning);
        publish(warning);

        // then one delivery arrives, signed with the secret over "<t>.<body>", naming the event
        Received delivery = awaitDelivery(tenant, warning.getEventId());
        assertThat(delivery.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
        String t = delivery.signature().substring(2, delivery.signature().indexOf(','));
        assertThat(delivery.signature()).endsWith("v1=" + WebhookSignature.hmac(secret, t + "." + delivery.body()));
        assertThat(Math.abs(Long.parseLong(t) - Instant.now().getEpochSecond())).isLessThan(60);
        Map<String, Object> body = json.readValue(delivery.body(), new TypeReference<>() {
        });
        assertThat(body).containsEntry("type", "quota.warning").containsEntry("event_id", warning.getEventId())
                .containsEntry("tenant_id", tenant).containsEntry("used", 800).containsEntry("limit", 1000)
                .containsEntry("month", "2026-11").containsKey("occurred_at");
        await().atMost(WAIT).until(() -> deliveries(tenant, "delivered").size() == 1);
        // a later event of the same tenant is delivered too, and the repeated one never again
        DomainEvent exceeded = quotaEvent(tenant, new QuotaExceeded("2026-11", 1000L, 1000L));
        publish(exceeded);
        awaitDelivery(tenant, exceeded.getEventId());
        assertThat(received.stream().filter(r -> warning.getEventId().equals(r.eventId()))).hasSize(1);
        assertThat(deliveries(tenant, "delivered")).hasSize(2);
        assertThat(output.getAll()).doesNotContain(secret);
    }

    @Test
    void retriesWithBackoffUntilTheReceiverAccepts() {
        // given a receiver that fails twice
        String tenant = newTenant();
        register(tenant);
        statuses.put(path(tenant), new ConcurrentLinkedDeque<>(List.of(500, 503)));

        // when
        DomainEvent exceeded = quotaEvent(tenant, new QuotaExceeded("2026-11", 1200L, 1000L));
        publish(exceeded);

        // then the third attempt is delivered
        await().atMost(WAIT).until(() -> deliveries(tenant, "delivered").size() == 1);
        Map<String, Object> delivered = deliveries(tenant, "delivered").get(0);
        assertThat(delivered).containsEntry("attempts", 3).containsEntry("last_status", 200)
                .containsEntry("event_id", exceeded.getEventId()).containsEntry("type", "quota.exceeded");
        assertThat(received.stream().filter(r -> exceeded.getEventId().equals(r.eventId()))).hasSize(3);
    }

    @Test
    void deadAfterTheLastAttemptAndVisibleInTheAdminApi() {
        // given a receiver that always fails
        String tenant = newTenant();
        register(tenant);
        statuses.put(path(tenant), new ConcurrentLinkedDeque<>(List.of(500, 500, 500, 500, 500, 500)));

        // when
        DomainEvent warning = quotaEvent(tenant, new QuotaWarningReached("2026-11", 810L, 1000L));
        publish(warning);

        // then: dead after MAX_ATTEMPTS, with the last status and error, and no further attempt
        await().atMost(WAIT).until(() -> deliveries(tenant, "dead").size() == 1);
        Map<String, Object> dead = deliveries(tenant, "dead").get(0);
        assertThat(dead).containsEntry("attempts", MAX_ATTEMPTS).containsEntry("last_status", 500)
                .containsEntry("last_error", "HTTP 500").containsEntry("state", "dead");
        assertThat(deliveries(tenant, "pending")).isEmpty();
        assertThat(received.stream().filter(r -> warning.getEventId().equals(r.eventId()))).hasSize(MAX_ATTEMPTS);
    }

    @Test
    void registersShowsAndRemovesAWebhookWithADomainEvent() {
        // given
        String tenant = newTenant();
        // when
        register(tenant);
        Map<String, Object> shown = admin(web.get().uri(webhookUri(tenant))).exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        admin(web.delete().uri(webhookUri(tenant))).exchange().expectStatus().isNoContent();

        // then: the secret is never shown again; the webhook is gone; both changes are domain events
        assertThat(shown).containsEntry("url", receiverUrl(tenant)).doesNotContainKey("secret");
        admin(web.get().uri(webhookUri(tenant))).exchange().expectStatus().isNotFound();
        admin(web.delete().uri(webhookUri(tenant))).exchange().expectStatus().isNotFound();
        List<String> changes = new ArrayList<>();
        // read incrementally: the shared topic holds every test's events, too many to re-read on each poll
        try (TopicReader<byte[], byte[]> events = TopicReader.raw(FleetTopics.DOMAIN_EVENTS.name())) {
            await().atMost(WAIT).pollInSameThread().until(() -> {
                changes.clear();
                for (ConsumerRecord<byte[], byte[]> record : events.drain(r -> r.key() != null
                        && tenant.equals(new String(r.key(), StandardCharsets.UTF_8)))) {
                    decoded(record).filter(e -> e.getPayload() instanceof QuotaWebhookChanged)
                            .ifPresent(e -> changes.add(String.valueOf(((QuotaWebhookChanged) e.getPayload()).getUrl())));
                }
                return changes.size() == 2;
            });
        }
        assertThat(changes).containsExactly(receiverUrl(tenant), "null");
    }

    /** The domain event of a record, if it is one (the topic may hold another test's garbage). */
    private static java.util.Optional<DomainEvent> decoded(ConsumerRecord<byte[], byte[]> record) {
        try {
            return java.util.Optional.of((DomainEvent) SERDE.deserialize(FleetTopics.DOMAIN_EVENTS.name(),
                    record.value()));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    @Test
    void refusesAWebhookUrlThatIsNotAbsoluteHttp() {
        String tenant = newTenant();
        for (String url : List.of("ftp://example.com/hook", "/relative/hook", "not a url", "")) {
            Map<String, Object> error = admin(web.put().uri(webhookUri(tenant)).bodyValue(Map.of("url", url)))
                    .exchange().expectStatus().isBadRequest().expectBody(JSON).returnResult().getResponseBody();
            assertThat(error).extractingByKey("error").asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("param", "url")
                    .containsEntry("type", "invalid_request_error");
        }
        admin(web.put().uri(webhookUri(UUID.randomUUID().toString())).bodyValue(Map.of("url", "https://x.test/h")))
                .exchange().expectStatus().isNotFound();
        admin(web.get().uri(webhookUri(tenant) + "/deliveries?state=lost")).exchange().expectStatus().isBadRequest();
    }

    @Test
    void deadLettersAPoisonRecordAndKeepsDelivering() {
        // given
        String tenant = newTenant();
        register(tenant);
        byte[] garbage = ("not a domain event " + tenant).getBytes(StandardCharsets.UTF_8);

        // when: garbage, then a quota event on the same partition (same key)
        TopicProbe probe = TopicProbe.shared();
        probe.sendRaw(FleetTopics.DOMAIN_EVENTS.name(), tenant, garbage);
        DomainEvent warning = quotaEvent(tenant, new QuotaWarningReached("2026-11", 805L, 1000L));
        publish(warning);

        // then
        ConsumerRecord<byte[], byte[]> dead = probe.await(FleetTopics.DOMAIN_EVENTS.dlq(),
                r -> java.util.Arrays.equals(r.value(), garbage), WAIT);
        assertThat(TopicProbe.header(dead, FleetHeaders.ERROR)).isPresent();
        awaitDelivery(tenant, warning.getEventId());
    }

    private String newTenant() {
        Map<String, Object> created = admin(web.post().uri("/admin/tenants")
                .bodyValue(Map.of("name", "Hooked", "plan", "pro"))).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        String id = (String) created.get("id");
        tenants.add(id);
        return id;
    }

    private Map<String, Object> register(String tenant) {
        return admin(web.put().uri(webhookUri(tenant)).bodyValue(Map.of("url", receiverUrl(tenant)))).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private List<Map<String, Object>> deliveries(String tenant, String state) {
        Map<String, Object> page = admin(web.get().uri(webhookUri(tenant) + "/deliveries?state=" + state)).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> data = (List<Map<String, Object>>) page.get("data");
        return data;
    }

    private static Received awaitDelivery(String tenant, String eventId) {
        return await().atMost(WAIT).until(() -> received.stream()
                .filter(r -> r.path().equals(path(tenant)) && eventId.equals(r.eventId())).findFirst()
                .orElse(null), r -> r != null);
    }

    private static DomainEvent quotaEvent(String tenant, Object payload) {
        return DomainEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenantId(tenant)
                .setOccurredAt(Instant.now())
                .setActor("usage-metering")
                .setSubject("tenant/" + tenant + "/quota")
                .setProducedBy("usage-metering")
                .setPayload(payload)
                .build();
    }

    private static void publish(DomainEvent event) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.DOMAIN_EVENTS.name(),
                event.getTenantId(), event);
        record.headers().add(FleetHeaders.EVENT_ID, event.getEventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.TENANT_ID, event.getTenantId().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
        producer.flush();
    }

    private static String path(String tenant) {
        return "/hooks/" + tenant;
    }

    private static String receiverUrl(String tenant) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path(tenant);
    }

    private static String webhookUri(String tenant) {
        return "/admin/tenants/" + tenant + "/webhook";
    }

    private static WebTestClient.RequestHeadersSpec<?> admin(WebTestClient.RequestHeadersSpec<?> request) {
        return request.headers(h -> h.setBearerAuth(FleetTestEnvironment.ADMIN_TOKEN));
    }
}
