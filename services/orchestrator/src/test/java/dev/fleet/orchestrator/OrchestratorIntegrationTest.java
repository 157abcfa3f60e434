package dev.fleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyIssued;
import dev.fleet.events.v1.ApiKeyRevoked;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.ChatChunk;
import dev.fleet.events.v1.ChatRequested;
import dev.fleet.events.v1.ChatRole;
import dev.fleet.events.v1.CompletionFailed;
import dev.fleet.events.v1.CompletionSucceeded;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.EmbeddingRequested;
import dev.fleet.events.v1.EmbeddingResult;
import dev.fleet.events.v1.EmbeddingVector;
import dev.fleet.events.v1.ErrorCode;
import dev.fleet.events.v1.ErrorType;
import dev.fleet.events.v1.FinishReason;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Prompt;
import dev.fleet.events.v1.PromptLabelMoved;
import dev.fleet.events.v1.PromptVersion;
import dev.fleet.events.v1.PromptVersionCreated;
import dev.fleet.events.v1.ReindexJob;
import dev.fleet.events.v1.ReindexState;
import dev.fleet.events.v1.ScoreRequested;
import dev.fleet.events.v1.ScoreResult;
import dev.fleet.events.v1.ScoredItem;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantCreated;
import dev.fleet.events.v1.TenantLimitsChanged;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.TokenUsage;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.orchestrator.domain.ControlPlaneEvents;
import dev.fleet.orchestrator.domain.KeyMinter;
import dev.fleet.orchestrator.domain.prompts.PromptRegistry;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.KnowledgeClient;
import dev.fleet.platform.kafka.UsageRecorder;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.ChatMessages;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.OpenAiSimulator;
import dev.fleet.test.SimulatedBehaviour;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.TopicProbe;
import dev.fleet.test.TopicReader;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

/**
 * The orchestrator against the real in-JVM broker and the real PostgreSQL: the admin API and its
 * outbox, chat through the OpenAI simulator and through the extractive model (this test plays the
 * embedding-worker and the scorer), redelivery and poison records, parked outbox rows, and API keys
 * kept out of the logs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its chat consumers must not answer the other test class's requests in the same JVM
@ExtendWith(OutputCaptureExtension.class)
class OrchestratorIntegrationTest {

    private static final String SIM_MODEL = "sim-model";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final OpenAiSimulator SIMULATOR = OpenAiSimulator.start();
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> JSON_MAP = new TypeReference<>() {
    };

    private static final Map<String, TopicReader<String, Wire>> READERS = new HashMap<>();
    private static KafkaProducer<String, SpecificRecord> producer;

    @Autowired
    private WebTestClient web;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private LoggingSystem loggingSystem;

    @Autowired
    private ObjectMapper json;

    @MockitoSpyBean
    private ControlPlaneEvents events;

    @Autowired
    private PromptRegistry registry;

    @Autowired
    private org.springframework.boot.actuate.health.HealthContributorRegistry healthContributors;

    @Autowired
    private org.springframework.boot.actuate.health.HealthEndpointGroups healthGroups;

    @Autowired
    private dev.fleet.orchestrator.messaging.ConsoleFeeds consoleFeeds;

    private final List<String> tenantsToClean = new ArrayList<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.orchestrator.openai.base-url", SIMULATOR::baseUrl);
        registry.add("fleet.orchestrator.openai.models", () -> SIM_MODEL);
        registry.add("fleet.orchestrator.openai.retry-backoff", () -> "50ms");
        registry.add("fleet.orchestrator.openai.minimum-calls", () -> "1000"); // injected failures must not open it
        registry.add("fleet.orchestrator.outbox.relay-interval", () -> "100ms");
    }

    @BeforeEach
    void connectClients() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), SERDE.serializer());
        }
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        try (Connection db = SharedPostgres.connect()) {
            for (String tenant : tenantsToClean) {
                for (String sql : List.of(
                        "DELETE FROM orchestrator.outbox WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.api_keys WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.prompt_labels WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.prompt_versions WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.prompts WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.conversations WHERE tenant_id = ?",
                        "DELETE FROM orchestrator.tenants WHERE id::text = ?",
                        "DELETE FROM orchestrator.processed_chat_requests WHERE tenant_id = ?")) {
                    try (PreparedStatement statement = db.prepareStatement(sql)) {
                        statement.setString(1, tenant);
                        statement.executeUpdate();
                    }
                }
            }
        }
        SIMULATOR.failNext(0, 500);
    }

    @AfterAll
    static void closeClients() {
        READERS.values().forEach(TopicReader::close);
        READERS.clear();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        SIMULATOR.close();
    }

    // ---- admin API and outbox ----

    @Test
    void refusesTheAdminApiWithoutTheAdminToken() {
        // when / then
        web.post().uri("/admin/tenants").bodyValue(Map.of("name", "Acme", "plan", "pro")).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_admin_token");
        web.get().uri("/admin/tenants/" + UUID.randomUUID()).headers(h -> h.setBearerAuth("wrong")).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.type").isEqualTo("authentication_error");
    }

    @Test
    void rejectsAnInvalidTenantWithAnOpenAiShapedError() {
        // when / then
        admin(web.post().uri("/admin/tenants").bodyValue(Map.of("name", "Acme", "plan", "gold"))).exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo("plan");
        admin(web.post().uri("/admin/tenants").bodyValue(Map.of("plan", "pro"))).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("name");
        admin(web.post().uri("/admin/tenants").header("Content-Type", "application/json").bodyValue("{not json"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
    }

    @Test
    void createsATenantAndRelaysItsRecordAndEvent() throws SQLException {
        // when
        Map<String, Object> created = createTenant("Acme", "pro");
        String tenantId = (String) created.get("id");

        // then: the response
        assertThat(created).containsEntry("name", "Acme").containsEntry("plan", "pro")
                .containsEntry("status", "active").containsEntry("requests_per_minute", 600);
        admin(web.get().uri("/admin/tenants/" + tenantId)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.plan").isEqualTo("pro").jsonPath("$.tokens_per_day").isEqualTo(2_000_000);
        admin(web.get().uri("/admin/tenants/" + UUID.randomUUID())).exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("tenant_not_found");
        admin(web.get().uri("/admin/tenants/not-a-uuid")).exchange().expectStatus().isNotFound();

        // then: the compacted tenants topic
        Received<Tenant> tenant = awaitOne(FleetTopics.TENANTS, r -> r.key().equals(tenantId));
        assertThat(tenant.value().getPlan()).isEqualTo(Plan.PRO);
        assertThat(tenant.value().getStatus()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(tenant.value().getRequestsPerMinute()).isEqualTo(600);
        assertThat(tenant.value().getTokensPerDay()).isEqualTo(2_000_000L);
        assertThat(tenant.header(FleetHeaders.TENANT_ID)).isEqualTo(tenantId);
        assertThat(tenant.header(FleetHeaders.PRODUCED_BY)).isEqualTo("orchestrator");

        // then: the domain event, whose event id is also the record's event-id header
        Received<DomainEvent> event = awaitOne(FleetTopics.DOMAIN_EVENTS,
                r -> r.key().equals(tenantId) && r.value().getPayload() instanceof TenantCreated);
        assertThat(event.value().getActor()).isEqualTo("admin");
        assertThat(event.value().getSubject()).isEqualTo("tenant/" + tenantId);
        assertThat(event.value().getProducedBy()).isEqualTo("orchestrator");
        assertThat(event.header(FleetHeaders.EVENT_ID)).isEqualTo(event.value().getEventId());
        assertThat(((TenantCreated) event.value().getPayload()).getName()).isEqualTo("Acme");
        assertThat(trace(event)).isEqualTo(trace(tenant)); // one change, one trace

        // then: the outbox rows are marked published
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM orchestrator.outbox "
                + "WHERE tenant_id::text = ? AND published_at IS NULL", tenantId) == 0);
        assertThat(count("SELECT count(*) FROM orchestrator.outbox WHERE tenant_id::text = ?", tenantId))
                .isEqualTo(2);
    }

    @Test
    void shouldSetTenantLimitsAtCreationAndLaterAndPublishThem() {
        // when a free tenant is created with its own token limit and no monthly quota
        Map<String, Object> created = admin(web.post().uri("/admin/tenants").bodyValue(Map.of("name", "Limited",
                        "plan", "free", "limits", Map.of("tpm", 5_000, "monthly_tokens", 0))))
                .exchange().expectStatus().isEqualTo(HttpStatus.CREATED)
                .expectBody(JSON).returnResult().getResponseBody();
        String tenantId = (String) created.get("id");
        tenantsToClean.add(tenantId);

        // then the plan's request limit and the overrides are published
        assertThat(created.get("limits")).isEqualTo(Map.of("rpm", 60, "tpm", 5_000, "monthly_tokens", 0,
                "max_items", 10_000, "max_stored_bytes", 50_000_000, "max_item_bytes", 32_768));
        Received<Tenant> first = awaitOne(FleetTopics.TENANTS, r -> r.key().equals(tenantId));
        assertThat(first.value().getRequestsPerMinute()).isEqualTo(60);
        assertThat(first.value().getTokensPerMinute()).isEqualTo(5_000L);
        assertThat(first.value().getMonthlyTokens()).isNull();

        // when its limits are replaced
        admin(web.put().uri("/admin/tenants/" + tenantId + "/limits").bodyValue(Map.of("rpm", 5)))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.limits.rpm").isEqualTo(5).jsonPath("$.limits.tpm").isEqualTo(40_000);

        // then a newer tenant record and a domain event say so
        Received<Tenant> second = awaitOne(FleetTopics.TENANTS,
                r -> r.key().equals(tenantId) && r.value().getRequestsPerMinute() == 5);
        assertThat(second.value().getTokensPerMinute()).isEqualTo(40_000L);
        assertThat(second.value().getMonthlyTokens()).isEqualTo(1_000_000L);
        assertThat(second.value().getUpdatedAt()).isAfterOrEqualTo(first.value().getUpdatedAt());
        Received<DomainEvent> event = awaitOne(FleetTopics.DOMAIN_EVENTS,
                r -> r.key().equals(tenantId) && r.value().getPayload() instanceof TenantLimitsChanged);
        assertThat(((TenantLimitsChanged) event.value().getPayload()).getRequestsPerMinute()).isEqualTo(5);

        // and bad limits or unknown tenants are refused
        admin(web.put().uri("/admin/tenants/" + tenantId + "/limits").bodyValue(Map.of("rpm", -1)))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
        admin(web.put().uri("/admin/tenants/" + UUID.randomUUID() + "/limits").bodyValue(Map.of("rpm", 1)))
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void shouldOverrideItemLimitsThroughTheLimitsApiAndPublishThemOnTheTenantRecord() {
        // given a free tenant, on its plan's item limits
        String tenantId = (String) createTenant("Item Limits", "free").get("id");
        Received<Tenant> first = awaitOne(FleetTopics.TENANTS, r -> r.key().equals(tenantId));
        assertThat(first.value().getMaxItems()).isEqualTo(10_000L);
        assertThat(first.value().getMaxStoredBytes()).isEqualTo(50_000_000L);
        assertThat(first.value().getMaxItemBytes()).isEqualTo(32_768L);

        // when an admin sets 3 items, no byte limit, and leaves the per-item cap out (the plan's)
        admin(web.put().uri("/admin/tenants/" + tenantId + "/limits")
                        .bodyValue(Map.of("max_items", 3, "max_stored_bytes", 0)))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.limits.max_items").isEqualTo(3)
                .jsonPath("$.limits.max_stored_bytes").isEqualTo(0)
                .jsonPath("$.limits.max_item_bytes").isEqualTo(32_768);

        // then the tenant record the gateways mirror says so (null: no limit), and the audit trail too
        Received<Tenant> second = awaitOne(FleetTopics.TENANTS,
                r -> r.key().equals(tenantId) && Long.valueOf(3).equals(r.value().getMaxItems()));
        assertThat(second.value().getMaxStoredBytes()).isNull();
        assertThat(second.value().getMaxItemBytes()).isEqualTo(32_768L);
        Received<DomainEvent> event = awaitOne(FleetTopics.DOMAIN_EVENTS,
                r -> r.key().equals(tenantId) && r.value().getPayload() instanceof TenantLimitsChanged);
        TenantLimitsChanged changed = (TenantLimitsChanged) event.value().getPayload();
        assertThat(changed.getMaxItems()).isEqualTo(3L);
        assertThat(changed.getMaxStoredBytes()).isNull();
        assertThat(changed.getMaxItemBytes()).isEqualTo(32_768L);

        // and an item limit is a tenant's only, never a key's
        admin(web.post().uri("/admin/tenants/" + tenantId + "/keys")
                        .bodyValue(Map.of("limits", Map.of("max_items", 7))))
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("limits.max_items");
    }

    @Test
    void shouldIssueAKeyWithLimitsOfItsOwn() {
        // given
        String tenantId = (String) createTenant("Key Limits", "pro").get("id");

        // when
        Map<String, Object> issued = admin(web.post().uri("/admin/tenants/" + tenantId + "/keys")
                        .bodyValue(Map.of("limits", Map.of("rpm", 7))))
                .exchange().expectStatus().isEqualTo(HttpStatus.CREATED)
                .expectBody(JSON).returnResult().getResponseBody();

        // then
        assertThat(issued.get("limits")).isEqualTo(Map.of("rpm", 7));
        String keyId = (String) issued.get("id");
        Received<ApiKey> record = awaitOne(FleetTopics.API_KEYS, r -> r.key().equals(keyId));
        assertThat(record.value().getLimits().getRequestsPerMinute()).isEqualTo(7);
        assertThat(record.value().getLimits().getTokensPerMinute()).isNull();
        admin(web.post().uri("/admin/tenants/" + tenantId + "/keys")
                        .bodyValue(Map.of("limits", Map.of("monthly_tokens", 7))))
                .exchange().expectStatus().isBadRequest();
    }

    @Test
    void issuesAKeyShownOnceAndPublishesOnlyItsHash() throws SQLException {
        // given
        String tenantId = (String) createTenant("Keys Inc", "free").get("id");

        // when
        Map<String, Object> issued = issueKey(tenantId);

        // then: the response shows the key once
        String key = (String) issued.get("key");
        String keyId = (String) issued.get("id");
        assertThat(key).matches("fk-[A-Za-z0-9_-]{43,}");
        assertThat(issued).containsEntry("tenant_id", tenantId).containsEntry("prefix", key.substring(0, 9));

        // then: the key record carries the hash, never the key
        Received<ApiKey> record = awaitOne(FleetTopics.API_KEYS, r -> r.key().equals(keyId));
        assertThat(record.value().getSha256()).isEqualTo(ApiKeyHash.sha256Hex(key));
        assertThat(record.value().getTenantId()).isEqualTo(tenantId);
        assertThat(record.value().getStatus()).isEqualTo(ApiKeyStatus.ACTIVE);
        assertThat(record.value().getScopes()).containsExactly("chat", "embeddings", "items", "search", "risk");
        assertThat(contains(record.raw(), key.getBytes(StandardCharsets.UTF_8))).isFalse();
        Received<DomainEvent> event = awaitOne(FleetTopics.DOMAIN_EVENTS,
                r -> r.key().equals(tenantId) && r.value().getPayload() instanceof ApiKeyIssued);
        assertThat(event.value().getSubject()).isEqualTo("key/" + keyId);
        assertThat(contains(event.raw(), key.getBytes(StandardCharsets.UTF_8))).isFalse();

        // then: neither the outbox nor the keys table hold the key
        assertThat(count("SELECT count(*) FROM orchestrator.outbox WHERE tenant_id::text = ?", tenantId))
                .isEqualTo(4);
        assertThat(count("SELECT count(*) FROM orchestrator.outbox WHERE tenant_id::text = ? "
                + "AND position(convert_to(?, 'UTF8') IN payload) > 0", tenantId, key)).isZero();
        assertThat(count("SELECT count(*) FROM orchestrator.api_keys k WHERE k.tenant_id::text = ? "
                + "AND position(? IN k::text) > 0", tenantId, key)).isZero();
        assertThat(count("SELECT count(*) FROM orchestrator.api_keys WHERE tenant_id::text = ? AND sha256 = ?",
                tenantId, ApiKeyHash.sha256Hex(key))).isOne();

        // then: no key for a tenant that does not exist
        admin(web.post().uri("/admin/tenants/" + UUID.randomUUID() + "/keys")).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void revokesAKeyOnceEvenWhenAskedTwice() throws SQLException {
        // given
        String tenantId = (String) createTenant("Revokers", "enterprise").get("id");
        String keyId = (String) issueKey(tenantId).get("id");

        // when
        admin(web.delete().uri("/admin/keys/" + keyId)).exchange().expectStatus().isNoContent();
        admin(web.delete().uri("/admin/keys/" + keyId)).exchange().expectStatus().isNoContent();
        admin(web.delete().uri("/admin/keys/" + UUID.randomUUID())).exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("key_not_found");

        // then: the compacted topic's latest record for the key says REVOKED
        await().atMost(WAIT).until(() -> received(FleetTopics.API_KEYS, r -> r.key().equals(keyId)),
                records -> !records.isEmpty()
                        && records.get(records.size() - 1).value().getStatus() == ApiKeyStatus.REVOKED);

        // then: exactly one revocation event — a later change of the tenant was relayed after it, in outbox order
        String laterKeyId = (String) issueKey(tenantId).get("id");
        awaitOne(FleetTopics.DOMAIN_EVENTS, r -> r.key().equals(tenantId)
                && r.value().getPayload() instanceof ApiKeyIssued issued && issued.getKeyId().equals(laterKeyId));
        assertThat(received(FleetTopics.DOMAIN_EVENTS, r -> r.key().equals(tenantId)
                && r.value().getPayload() instanceof ApiKeyRevoked)).hasSize(1);
        assertThat(count("SELECT count(*) FROM orchestrator.api_keys WHERE id::text = ? AND status = 'REVOKED'",
                keyId)).isOne();
    }

    @Test
    void neverLogsAnIssuedKeyEvenAtDebugLevel(CapturedOutput output) throws Exception {
        // given: our code and Spring's web layer (requests, responses, codecs) at DEBUG
        String tenantId = (String) createTenant("Quiet Keys", "free").get("id");
        Map<String, LogLevel> levels = setLogLevels(LogLevel.DEBUG, "dev.fleet", "org.springframework.web");
        try {
            // when: a key is issued (read as bytes: the test's own JSON decoder would log it) and revoked
            byte[] body = admin(web.post().uri("/admin/tenants/" + tenantId + "/keys")).exchange()
                    .expectStatus().isEqualTo(HttpStatus.CREATED)
                    .expectBody(byte[].class).returnResult().getResponseBody();
            Map<String, Object> issued = json.readValue(body, JSON_MAP);
            String key = (String) issued.get("key");
            String keyId = (String) issued.get("id");
            admin(web.delete().uri("/admin/keys/" + keyId)).exchange().expectStatus().isNoContent();
            await().atMost(WAIT).until(() -> received(FleetTopics.API_KEYS, r -> r.key().equals(keyId)),
                    records -> !records.isEmpty()
                            && records.get(records.size() - 1).value().getStatus() == ApiKeyStatus.REVOKED);

            // then: the capture saw both requests at DEBUG, and the key nowhere
            assertThat(key).startsWith("fk-");
            assertThat(output.getAll()).contains("/admin/tenants/" + tenantId + "/keys", "/admin/keys/" + keyId)
                    .doesNotContain(key);
        } finally {
            levels.forEach(loggingSystem::setLogLevel);
        }
    }

    @Test
    void parksOutboxRowsThatCanNeverBePublishedAndRelaysTheChangesAfterThem() throws SQLException {
        // given: rows the relay can never publish, ahead of a real change
        String poisoned = newTenantId();
        long garbage = insertOutboxRow(poisoned, FleetTopics.TENANTS.name(),
                "definitely not avro".getBytes(StandardCharsets.UTF_8));
        long uncataloged = insertOutboxRow(poisoned, "fleet.not-in-the-catalog.v1",
                SERDE.serialize(FleetTopics.TENANTS.name(), tenantRecord(poisoned, "Uncataloged")));
        long oversized = insertOutboxRow(poisoned, FleetTopics.TENANTS.name(),
                SERDE.serialize(FleetTopics.TENANTS.name(), tenantRecord(poisoned, "x".repeat(1_100_000))));

        // when
        String tenantId = (String) createTenant("After The Poison", "pro").get("id");

        // then: the change's record and event were relayed
        assertThat(awaitOne(FleetTopics.TENANTS, r -> r.key().equals(tenantId)).value().getName())
                .isEqualTo("After The Poison");
        awaitOne(FleetTopics.DOMAIN_EVENTS,
                r -> r.key().equals(tenantId) && r.value().getPayload() instanceof TenantCreated);

        // then: the poison rows are parked with a reason, unpublished
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM orchestrator.outbox "
                + "WHERE tenant_id::text = ? AND failed_at IS NOT NULL AND published_at IS NULL", poisoned) == 3);
        assertThat(outboxFailure(garbage)).contains("does not decode").doesNotContain("0x64"); // no payload bytes
        assertThat(outboxFailure(uncataloged)).contains("not in the catalog");
        assertThat(outboxFailure(oversized)).contains("RecordTooLargeException");
        assertThat(received(FleetTopics.TENANTS, r -> r.key().equals(poisoned))).isEmpty();

        // then: the gauge counts them
        await().atMost(WAIT).until(() -> meters.get("fleet.outbox.parked").gauge().value() >= 3);
        assertThat(meters.get("fleet.outbox.pending").gauge().value()).isNotNaN();
    }

    @Test
    void rollsBackAKeyWhoseOutboxRecordsCannotBeWritten() throws SQLException {
        // given
        String tenantId = (String) createTenant("Atomic", "pro").get("id");
        doReturn(Mono.error(new DataAccessResourceFailureException("outbox unavailable")))
                .when(events).keyIssued(any(), any());

        // when
        admin(web.post().uri("/admin/tenants/" + tenantId + "/keys")).exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.error.code").isEqualTo("database_unavailable");

        // then: the key row went with the failed outbox write
        assertThat(count("SELECT count(*) FROM orchestrator.api_keys WHERE tenant_id::text = ?", tenantId)).isZero();
        assertThat(count("SELECT count(*) FROM orchestrator.outbox WHERE tenant_id::text = ?", tenantId))
                .isEqualTo(2);
    }

    @Test
    void answersAdminWritesOnlyOnceTheirRecordsAreOnTheTopics() {
        // when a tenant is created, then its record is already on the topic when the 201 arrives
        String tenantId = (String) createTenant("Read Your Writes", "pro").get("id");
        assertThat(onTopicNow(FleetTopics.TENANTS, tenantId)).singleElement()
                .satisfies(tenant -> assertThat(tenant.getName()).isEqualTo("Read Your Writes"));

        // when a key is issued, then its record is on the topic when the 201 arrives
        Map<String, Object> issued = issueKey(tenantId);
        String keyId = (String) issued.get("id");
        assertThat(onTopicNow(FleetTopics.API_KEYS, keyId)).singleElement().satisfies(key -> {
            assertThat(key.getSha256()).isEqualTo(ApiKeyHash.sha256Hex((String) issued.get("key")));
            assertThat(key.getStatus()).isEqualTo(ApiKeyStatus.ACTIVE);
        });

        // when it is revoked, then the revocation is on the topic when the 204 arrives
        admin(web.delete().uri("/admin/keys/" + keyId)).exchange().expectStatus().isNoContent();
        assertThat(onTopicNow(FleetTopics.API_KEYS, keyId)).last()
                .satisfies(key -> assertThat(key.getStatus()).isEqualTo(ApiKeyStatus.REVOKED));
    }

    @Test
    void answers503AndKeepsNothingWhenKafkaDoesNotAcknowledge() throws SQLException {
        // given: a tenant, and a second orchestrator whose producer points at an address where no broker listens
        String tenantId = (String) createTenant("Kafka Away", "pro").get("id");
        String name = "Never Stored " + UUID.randomUUID();
        try (ConfigurableApplicationContext unreachable = orchestratorWithoutKafkaProducer()) {
            WebTestClient cut = WebTestClient.bindToServer()
                    .baseUrl("http://127.0.0.1:" + unreachable.getEnvironment().getProperty("local.server.port"))
                    .responseTimeout(Duration.ofSeconds(30)).build();

            // when / then: a key, a tenant and a revocation each answer 503 with Retry-After
            admin(cut.post().uri("/admin/tenants/" + tenantId + "/keys")).exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().exists("Retry-After")
                    .expectBody().jsonPath("$.error.code").isEqualTo("event_bus_unavailable");
            admin(cut.post().uri("/admin/tenants").bodyValue(Map.of("name", name, "plan", "free"))).exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().exists("Retry-After");
            String keyId = (String) issueKey(tenantId).get("id");
            admin(cut.delete().uri("/admin/keys/" + keyId)).exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);

            // then: nothing of the refused changes was kept
            assertThat(count("SELECT count(*) FROM orchestrator.api_keys WHERE tenant_id::text = ?", tenantId))
                    .isOne(); // only the key issued through the healthy orchestrator
            assertThat(count("SELECT count(*) FROM orchestrator.api_keys WHERE id::text = ? AND status = 'ACTIVE'",
                    keyId)).isOne();
            assertThat(count("SELECT count(*) FROM orchestrator.tenants WHERE name = ?", name)).isZero();
            assertThat(count("SELECT count(*) FROM orchestrator.outbox WHERE tenant_id::text = ?", tenantId))
                    .isEqualTo(4); // the tenant's and the healthy key's records and events
        }
    }

    @Test
    void isReadyOnceItsMirrorsCaughtUp() {
        web.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void reportsTheConsoleMirrorsInHealthButKeepsThemOutOfReadiness() {
        // given the console's read models, registered with the application
        await().atMost(WAIT).until(consoleFeeds::isCaughtUp);
        // when its health contributor is asked
        var indicator = (org.springframework.boot.actuate.health.HealthIndicator) healthContributors
                .getContributor("consoleMirrors");
        var health = indicator.health();
        // then it names the console's four topics, caught up, and readiness does not wait for them
        assertThat(health.getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);
        assertThat(health.getDetails()).containsOnlyKeys(FleetTopics.USAGE_ROLLUPS.name(),
                FleetTopics.QUOTA_STATUS.name(), FleetTopics.BILLING_LINES.name(), FleetTopics.DOMAIN_EVENTS.name());
        assertThat(healthGroups.get("readiness").isMember("consoleMirrors")).isFalse();
        assertThat(healthGroups.get("readiness").isMember("topicMirrors")).isTrue();
    }

    // ---- chat ----

    @Test
    void streamsAnAnswerFromTheOpenAiCompatibleModelAndRecordsUsage() {
        // given
        String tenant = newTenantId();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        ChatRequested request = chat(tenant, SIM_MODEL, "What is Kafka?");

        // when
        send(request, "00-" + traceId + "-00f067aa0ba902b7-01");

        // then: the reply
        List<Received<ChatChunk>> reply = awaitReply(request.getRequestId());
        assertThat(text(reply)).isEqualTo(OpenAiSimulator.answerTo("What is Kafka?"));
        assertThat(reply).extracting(r -> r.value().getSeq())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, reply.size()).boxed().toList());
        ChatChunk last = reply.get(reply.size() - 1).value();
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.STOP);
        assertThat(last.getUsage().getPromptTokens()).isPositive();
        assertThat(last.getUsage().getCompletionTokens()).isPositive();
        assertThat(reply).allSatisfy(chunk -> assertThat(trace(chunk)).isEqualTo(traceId));

        // then: usage and the domain event
        assertUsageRecorded(request, last);
        Received<DomainEvent> event = awaitOne(FleetTopics.DOMAIN_EVENTS,
                r -> r.key().equals(tenant) && r.value().getPayload() instanceof CompletionSucceeded);
        assertThat(event.value().getSubject()).isEqualTo("request/" + request.getRequestId());
        assertThat(trace(event)).isEqualTo(traceId);
        assertThat(SIMULATOR.requests()).anySatisfy(body -> {
            assertThat(body.path("model").asText()).isEqualTo(SIM_MODEL);
            assertThat(body.path("stream").asBoolean()).isTrue();
        });
    }

    @Test
    void retriesAFailingProviderBeforeTheFirstTokenThenGivesUpWithProviderUnavailable() {
        // given: two failures, fewer than the three attempts
        String tenant = newTenantId();
        ChatRequested flaky = chat(tenant, SIM_MODEL, "Are you there?");
        SIMULATOR.failNext(2, 503);

        // when
        send(flaky, null);

        // then: the third attempt answered
        List<Received<ChatChunk>> reply = awaitReply(flaky.getRequestId());
        assertThat(text(reply)).isEqualTo(OpenAiSimulator.answerTo("Are you there?"));

        // given: as many failures as attempts
        ChatRequested doomed = chat(tenant, SIM_MODEL, "Still there?");
        int callsBefore = SIMULATOR.requests().size();
        SIMULATOR.failNext(3, 503);

        // when
        send(doomed, null);

        // then: one error chunk billing nothing (no text was delivered), a CompletionFailed event
        List<Received<ChatChunk>> failed = awaitReply(doomed.getRequestId());
        assertThat(failed).singleElement().satisfies(chunk -> {
            assertThat(chunk.value().getFinishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(chunk.value().getUsage()).isEqualTo(new TokenUsage(0, 0));
            assertThat(chunk.value().getError().getCode()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE);
            assertThat(chunk.value().getError().getType()).isEqualTo(ErrorType.SERVER_ERROR);
        });
        assertThat(SIMULATOR.requests().size() - callsBefore).isEqualTo(3);
        Received<DomainEvent> event = awaitOne(FleetTopics.DOMAIN_EVENTS, r -> r.key().equals(tenant)
                && r.value().getPayload() instanceof CompletionFailed f && f.getRequestId().equals(doomed.getRequestId()));
        assertThat(((CompletionFailed) event.value().getPayload()).getCode()).isEqualTo("provider_unavailable");
    }

    @Test
    void endsAReplyWhoseProviderDisconnectedMidStreamWithAnErrorChunkAfterTheText() {
        // given: the provider drops the connection after three tokens
        ChatRequested request = chat(newTenantId(), SIM_MODEL, "Tell me a long story");
        int callsBefore = SIMULATOR.requests().size();
        SIMULATOR.next(1, SimulatedBehaviour.normal().withAnswerTokens(10).withDisconnectAfter(3));

        // when
        send(request, null);

        // then: the text as far as it came, then the error chunk the gateway relays as an SSE error event
        List<Received<ChatChunk>> reply = awaitReply(request.getRequestId());
        assertThat(text(reply)).startsWith("token token");
        assertThat(reply).noneMatch(chunk -> chunk.value().getFinishReason() == FinishReason.STOP);
        ChatChunk last = reply.get(reply.size() - 1).value();
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.ERROR);
        assertThat(last.getError().getType()).isEqualTo(ErrorType.SERVER_ERROR);
        assertThat(last.getError().getCode()).isEqualTo(ErrorCode.PROVIDER_UNAVAILABLE);
        assertThat(last.getError().getMessage()).contains("during the stream");
        assertThat(SIMULATOR.requests().size() - callsBefore).isEqualTo(1); // never retried after text
    }

    @Test
    void answersRateLimitedWhenTheProviderStaysRateLimited() {
        // given: as many 429s as attempts
        ChatRequested request = chat(newTenantId(), SIM_MODEL, "Anyone free?");
        SIMULATOR.failNext(3, 429);

        // when
        send(request, null);

        // then: one error chunk the gateway turns into HTTP 429 rate_limit_exceeded
        assertThat(awaitReply(request.getRequestId())).singleElement().satisfies(chunk -> {
            assertThat(chunk.value().getFinishReason()).isEqualTo(FinishReason.ERROR);
            assertThat(chunk.value().getError().getType()).isEqualTo(ErrorType.RATE_LIMIT_ERROR);
            assertThat(chunk.value().getError().getMessage()).contains("HTTP 429");
        });
    }

    @Test
    void answersAnUnknownModelWithModelNotFound() {
        // given
        ChatRequested request = chat(newTenantId(), "gpt-unknown", "hi");

        // when
        send(request, null);

        // then
        assertThat(awaitReply(request.getRequestId())).singleElement().satisfies(chunk -> {
            assertThat(chunk.value().getError().getCode()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
            assertThat(chunk.value().getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
        });
    }

    @Test
    void answersExtractivelyFromTheTenantsCollectionOnTheNamedReplyPartitions() {
        // given a request naming a reply partition other than its key's
        String tenant = newTenantId();
        String passage = "Kafka orders records within a partition by offset.";
        ChatRequested request = chat(tenant, "extractive", "How does Kafka order records?");
        request.setMetadata(Map.of("collection", "kafka-docs"));
        int replyPartition = notTheKeysPartition(request.getRequestId(), FleetTopics.CHAT_REPLIES);
        request.setReplyPartition(replyPartition);

        // when
        send(request, null);

        // then: this test answers as the embedding-worker, on the partition the orchestrator named ...
        Received<EmbeddingRequested> embedding = awaitOne(FleetTopics.EMBEDDING_REQUESTS,
                r -> r.value().getTenantId().equals(tenant));
        assertThat(embedding.value().getInputs()).containsExactly("How does Kafka order records?");
        assertThat(embedding.value().getReplyPartition()).isBetween(0, FleetTopics.EMBEDDING_REPLIES.partitions() - 1);
        reply(FleetTopics.EMBEDDING_REPLIES, embedding.value().getReplyPartition(), embedding.key(),
                new EmbeddingResult(embedding.key(), KnowledgeClient.EMBEDDING_MODEL,
                        List.of(new EmbeddingVector(0, List.of(0.6f, 0.8f))), 7, null));

        // ... and as the scorer
        Received<ScoreRequested> search = awaitOne(FleetTopics.SCORE_REQUESTS,
                r -> r.value().getTenantId().equals(tenant));
        assertThat(search.value().getCollection()).isEqualTo("kafka-docs");
        assertThat(search.value().getQueryVector()).containsExactly(0.6f, 0.8f);
        assertThat(search.value().getTopK()).isEqualTo(3);
        assertThat(search.value().getReplyPartition()).isNotNull();
        reply(FleetTopics.SCORE_REPLIES, search.value().getReplyPartition(), search.key(),
                new ScoreResult(search.key(), List.of(
                        new ScoredItem("doc-1", 0.93, passage, Map.of()),
                        new ScoredItem("doc-2", 0.41, "PostgreSQL stores rows in pages.", Map.of())), null));

        // then: the answer quotes the best passage, word by word, every chunk on the named partition
        List<Received<ChatChunk>> reply = awaitReply(request.getRequestId());
        assertThat(text(reply)).isEqualTo(passage);
        assertThat(reply).hasSize(passage.split(" ").length + 1);
        assertThat(reply).extracting(Received::partition).containsOnly(replyPartition);
        assertUsageRecorded(request, reply.get(reply.size() - 1).value());
    }

    @Test
    void skipsARedeliveredRequest() {
        // given: a request that was answered
        String tenant = newTenantId();
        ChatRequested request = chat(tenant, SIM_MODEL, "Once only?");
        send(request, null);
        int chunks = awaitReply(request.getRequestId()).size();

        // when: it is delivered again, followed by another request of the same conversation (same partition)
        send(request, null);
        ChatRequested next = chat(tenant, SIM_MODEL, "And this one?");
        next.setConversationId(request.getConversationId());
        send(next, null);

        // then: the later request was answered, the redelivery was not
        assertThat(text(awaitReply(next.getRequestId()))).isEqualTo(OpenAiSimulator.answerTo("And this one?"));
        assertThat(chunks(request.getRequestId())).hasSize(chunks);
        // usage is published after the last chunk: wait for the later request's, then count
        Predicate<Received<UsageRecorded>> promptUsage = r -> r.key().equals(tenant)
                && r.value().getMeter() == Meter.PROMPT_TOKENS;
        await().atMost(WAIT).until(() -> received(FleetTopics.USAGE, promptUsage).size() >= 2);
        assertThat(received(FleetTopics.USAGE, promptUsage)).hasSize(2);
    }

    @Test
    void deadLettersAPoisonRecordAndKeepsAnswering() {
        // given
        String conversation = UUID.randomUUID().toString();
        byte[] garbage = ("definitely not avro " + conversation).getBytes(StandardCharsets.UTF_8);
        ChatRequested valid = chat(newTenantId(), SIM_MODEL, "Survived the poison?");
        valid.setConversationId(conversation);

        // when: garbage, then a valid request on the same partition
        TopicProbe probe = TopicProbe.shared();
        probe.sendRaw(FleetTopics.CHAT_REQUESTS.name(), conversation, garbage);
        send(valid, null);

        // then: the garbage is on the DLQ ...
        ConsumerRecord<byte[], byte[]> dead = probe.awaitKey(FleetTopics.CHAT_REQUESTS.dlq(), conversation, WAIT);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(TopicProbe.header(dead, FleetHeaders.ERROR)).isPresent();

        // ... and the valid request after it was answered
        assertThat(text(awaitReply(valid.getRequestId()))).isEqualTo(OpenAiSimulator.answerTo("Survived the poison?"));
    }

    // ---- prompts and conversations ----

    @Test
    void shouldAcceptAReindexOfACollectionAndShowTheWorkersProgress() {
        // given
        String tenant = (String) createTenant("Reindexed", "free").get("id");
        String reindex = "/admin/tenants/" + tenant + "/collections/docs/reindex";

        // when a reindex is asked for
        Map<String, Object> accepted = admin(web.post().uri(reindex)).exchange()
                .expectStatus().isEqualTo(HttpStatus.ACCEPTED)
                .expectHeader().value("Location", location -> assertThat(location).startsWith(reindex + "/"))
                .expectBody(JSON).returnResult().getResponseBody();

        // then the job is on the jobs topic, REQUESTED, for the embedding-worker to run
        String jobId = (String) accepted.get("id");
        assertThat(accepted).containsEntry("state", "requested").containsEntry("collection", "docs");
        ReindexJob requested = awaitOne(FleetTopics.REINDEX_JOBS, r -> r.key().equals(jobId)).value();
        assertThat(requested.getState()).isEqualTo(ReindexState.REQUESTED);
        assertThat(requested.getTenantId()).isEqualTo(tenant);

        // when the worker writes its progress under the job's key
        ReindexJob running = ReindexJob.newBuilder(requested).setState(ReindexState.RUNNING).setItemsDone(2)
                .setItemsTotal(5).setModel("all-minilm-l6-v2").setModelVersion("v9").build();
        reply(FleetTopics.REINDEX_JOBS, null, jobId, running);

        // then GET shows it, and only under its own tenant and collection
        await().atMost(WAIT).untilAsserted(() -> admin(web.get().uri(reindex + "/" + jobId)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.state").isEqualTo("running")
                .jsonPath("$.items_done").isEqualTo(2)
                .jsonPath("$.items_total").isEqualTo(5)
                .jsonPath("$.model_version").isEqualTo("v9"));
        admin(web.get().uri("/admin/tenants/" + tenant + "/collections/other/reindex/" + jobId)).exchange()
                .expectStatus().isNotFound();
        admin(web.post().uri("/admin/tenants/" + UUID.randomUUID() + "/collections/docs/reindex")).exchange()
                .expectStatus().isNotFound();
        web.post().uri(reindex).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void shouldVersionPromptsMoveLabelsAndPublishThemAsConfigAndAsEvents() {
        // given
        String tenant = (String) createTenant("Prompted", "free").get("id");
        String prompts = "/admin/tenants/" + tenant + "/prompts/support";

        // when two versions are created and production is rolled back to the first
        Map<String, Object> v1 = createPromptVersion(tenant, "support", "You are a {{tone}} assistant.", "staging");
        Map<String, Object> v2 = createPromptVersion(tenant, "support",
                "You are a {{tone}} assistant.\nAnswer in {{language}}.", "production");
        admin(web.put().uri(prompts + "/labels/production").bodyValue(Map.of("version", 1))).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.labels.production").isEqualTo(1);

        // then the API lists both with their labels and diffs them by line
        assertThat(v1).containsEntry("version", 1).containsEntry("labels", List.of("staging"));
        assertThat(v2).containsEntry("version", 2);
        admin(web.get().uri(prompts + "/versions")).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.versions.length()").isEqualTo(2)
                .jsonPath("$.versions[0].labels[0]").isEqualTo("production")
                .jsonPath("$.versions[0].labels[1]").isEqualTo("staging")
                .jsonPath("$.versions[1].labels.length()").isEqualTo(0)
                .jsonPath("$.labels.production").isEqualTo(1);
        admin(web.get().uri(prompts + "/diff?from=1&to=2")).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.unified").isEqualTo(" You are a {{tone}} assistant.\n+Answer in {{language}}.")
                .jsonPath("$.lines[1].change").isEqualTo("added");

        // and the compacted topic's latest record for the prompt is its whole configuration, already
        List<Prompt> records = onTopicNow(FleetTopics.PROMPTS, tenant + "/support");
        assertThat(records).hasSize(3);
        Prompt latest = records.get(2);
        assertThat(latest.getVersions()).extracting(PromptVersion::getTemplate)
                .containsExactly("You are a {{tone}} assistant.", "You are a {{tone}} assistant.\nAnswer in {{language}}.");
        assertThat(latest.getLabels()).containsEntry("production", 1).containsEntry("staging", 1);

        // and each change is a domain event
        Received<DomainEvent> created = awaitOne(FleetTopics.DOMAIN_EVENTS, r -> r.key().equals(tenant)
                && r.value().getPayload() instanceof PromptVersionCreated c && c.getVersion() == 2);
        assertThat(((PromptVersionCreated) created.value().getPayload()).getLabels()).containsExactly("production");
        assertThat(created.value().getSubject()).isEqualTo("prompt/support");
        Received<DomainEvent> moved = awaitOne(FleetTopics.DOMAIN_EVENTS, r -> r.key().equals(tenant)
                && r.value().getPayload() instanceof PromptLabelMoved);
        assertThat(moved.value().getPayload()).isEqualTo(new PromptLabelMoved("support", "production", 1, 2));
    }

    @Test
    void shouldRefuseBadPromptNamesBodiesAndUnknownTenantsPromptsAndVersions() {
        String tenant = (String) createTenant("Prompt errors", "free").get("id");
        String base = "/admin/tenants/" + tenant + "/prompts/";
        createPromptVersion(tenant, "known", "Hello {{name}}.");

        expectAdminError(web.get().uri("/admin/tenants/" + UUID.randomUUID() + "/prompts/known/versions"), 404,
                "tenant_not_found");
        expectAdminError(web.get().uri(base + "unknown/versions"), 404, "prompt_not_found");
        expectAdminError(web.put().uri(base + "known/labels/production").bodyValue(Map.of("version", 7)), 404,
                "prompt_version_not_found");
        expectAdminError(web.get().uri(base + "known/diff?from=1&to=3"), 404, "prompt_version_not_found");
        expectAdminError(web.get().uri(base + "known/diff?from=one&to=1"), 400, null);
        expectAdminError(web.post().uri(base + "bad*name/versions").bodyValue(Map.of("template", "x")), 400, null);
        expectAdminError(web.post().uri(base + "known/versions").bodyValue(Map.of("labels", List.of("x"))), 400, null);
        expectAdminError(web.post().uri(base + "known/versions").bodyValue(Map.of("template", "{{#open}} never closed")),
                400, null);
        expectAdminError(web.post().uri(base + "known/versions")
                .bodyValue(Map.of("template", "x", "labels", List.of("no spaces"))), 400, null);
        expectAdminError(web.put().uri(base + "known/labels/production").bodyValue(Map.of()), 400, null);
        expectAdminError(web.post().uri("/admin/tenants/" + UUID.randomUUID() + "/prompts/p/versions")
                .bodyValue(Map.of("template", "x")), 404, "tenant_not_found");
    }

    @Test
    void shouldPrependTheLabelledPromptAndApplyALabelMoveWithinTwoSecondsOnEveryReplica() throws Exception {
        // given a prompt whose production label is on version 1
        String tenant = (String) createTenant("Prompted chats", "free").get("id");
        createPromptVersion(tenant, "support", "You are a {{tone}} assistant.", "production");
        createPromptVersion(tenant, "support", "You are a {{tone}}, very brief assistant.");

        // when a chat selects it
        ChatRequested first = withMetadata(chat(tenant, SIM_MODEL, "Prompted question " + UUID.randomUUID()),
                Map.of("prompt", "support", "var_tone", "friendly"));
        send(first, null);

        // then the rendered template reaches the model as the first system message, and the event names it
        assertThat(awaitReply(first.getRequestId())).last().satisfies(c -> assertThat(c.value().getError()).isNull());
        assertThat(systemMessagesSentFor(first)).containsExactly("You are a friendly assistant.", "Answer briefly.");
        Received<DomainEvent> succeeded = awaitOne(FleetTopics.DOMAIN_EVENTS, r -> r.value().getPayload()
                instanceof CompletionSucceeded c && c.getRequestId().equals(first.getRequestId()));
        CompletionSucceeded payload = (CompletionSucceeded) succeeded.value().getPayload();
        assertThat(payload.getPromptName()).isEqualTo("support");
        assertThat(payload.getPromptVersion()).isEqualTo(1);

        // when a new replica starts, it rebuilds the prompts from the topic; then production moves to version 2
        try (ConfigurableApplicationContext replica = orchestratorReplica()) {
            PromptRegistry replicaRegistry = replica.getBean(PromptRegistry.class);
            await().atMost(WAIT).until(() -> productionVersion(replicaRegistry, tenant), v -> v == 1);
            long start = System.nanoTime();
            admin(web.put().uri("/admin/tenants/" + tenant + "/prompts/support/labels/production")
                    .bodyValue(Map.of("version", 2))).exchange().expectStatus().isOk();

            // then both replicas use version 2 within 2 s
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() ->
                    productionVersion(replicaRegistry, tenant) == 2 && productionVersion(registry, tenant) == 2);
            System.out.printf("label move seen by both replicas after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
        ChatRequested second = withMetadata(chat(tenant, SIM_MODEL, "Prompted question " + UUID.randomUUID()),
                Map.of("prompt", "support", "var_tone", "calm"));
        send(second, null);
        awaitReply(second.getRequestId());
        assertThat(systemMessagesSentFor(second)).first().isEqualTo("You are a calm, very brief assistant.");
    }

    @Test
    void shouldRefuseAChatWithAnUnknownPromptOrAMissingVariableWithoutCallingTheModel() {
        String tenant = (String) createTenant("Prompt refusals", "free").get("id");
        createPromptVersion(tenant, "support", "You are a {{tone}} assistant.", "production");
        int calls = SIMULATOR.requests().size();

        ChatRequested missing = withMetadata(chat(tenant, SIM_MODEL, "q"), Map.of("prompt", "support"));
        ChatRequested unknown = withMetadata(chat(tenant, SIM_MODEL, "q"), Map.of("prompt", "nope", "var_tone", "x"));
        send(missing, null);
        send(unknown, null);

        assertThat(awaitReply(missing.getRequestId())).last().satisfies(c -> {
            assertThat(c.value().getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
            assertThat(c.value().getError().getMessage()).contains("metadata.var_tone");
        });
        assertThat(awaitReply(unknown.getRequestId())).last().satisfies(c -> {
            assertThat(c.value().getError().getType()).isEqualTo(ErrorType.INVALID_REQUEST_ERROR);
            assertThat(c.value().getError().getMessage()).contains("no prompt 'nope'");
        });
        assertThat(SIMULATOR.requests()).hasSize(calls);
    }

    @Test
    void shouldContinueAConversationAcrossRequestsAndRefuseItToAnotherTenant() throws SQLException {
        // given a conversation's first exchange
        String tenant = (String) createTenant("Conversing", "free").get("id");
        String conversation = "conv-" + UUID.randomUUID();
        ChatRequested first = inConversation(chat(tenant, SIM_MODEL, "My name is Ada."), conversation, null);
        send(first, null);
        awaitReply(first.getRequestId());

        // when the client sends only its next message
        ChatRequested second = inConversation(chat(tenant, SIM_MODEL, "What is my name?"), conversation, null);
        send(second, null);
        awaitReply(second.getRequestId());

        // then the model sees the history, kept in PostgreSQL, and the event says what was kept
        assertThat(messagesSentFor(second)).containsExactly(
                "system: Answer briefly.",
                "user: My name is Ada.",
                "assistant: " + OpenAiSimulator.answerTo("My name is Ada."),
                "user: What is my name?");
        assertThat(count("SELECT count(*) FROM orchestrator.conversation_messages WHERE conversation_id = ?",
                conversation)).isEqualTo(4);
        CompletionSucceeded continued = completionOf(second);
        assertThat(continued.getConversationId()).isEqualTo(conversation);
        assertThat(continued.getHistoryMessagesKept()).isEqualTo(2);
        assertThat(continued.getHistoryMessagesDropped()).isZero();
        assertThat(continued.getHistoryTokens()).isPositive();

        // when another tenant names the same conversation
        String intruder = (String) createTenant("Intruder", "free").get("id");
        int calls = SIMULATOR.requests().size();
        ChatRequested stolen = inConversation(chat(intruder, SIM_MODEL, "What did they say?"), conversation, null);
        send(stolen, null);

        // then it is not found, and the model is not called
        assertThat(awaitReply(stolen.getRequestId())).last().satisfies(c -> {
            assertThat(c.value().getError().getType()).isEqualTo(ErrorType.NOT_FOUND_ERROR);
            assertThat(c.value().getError().getMessage()).contains("no conversation");
        });
        assertThat(SIMULATOR.requests()).hasSize(calls);
    }

    @Test
    void shouldTrimHistoryBeyondTheContextBudgetAndSayItInTheEvent() {
        // given a conversation with a long first exchange
        String tenant = (String) createTenant("Long talker", "free").get("id");
        String conversation = "conv-" + UUID.randomUUID();
        ChatRequested first = inConversation(chat(tenant, SIM_MODEL, "Remember: " + "apple ".repeat(200)),
                conversation, null);
        send(first, null);
        awaitReply(first.getRequestId());

        // when the next request leaves little room (max_tokens 8100 of the default 8192-token context)
        ChatRequested second = inConversation(chat(tenant, SIM_MODEL, "What did I say?"), conversation, 8100);
        send(second, null);
        awaitReply(second.getRequestId());

        // then the old exchange is dropped, and the event says so
        assertThat(messagesSentFor(second)).containsExactly("system: Answer briefly.", "user: What did I say?");
        CompletionSucceeded trimmed = completionOf(second);
        assertThat(trimmed.getHistoryMessagesKept()).isZero();
        assertThat(trimmed.getHistoryMessagesDropped()).isEqualTo(2);
    }

    // ---- helpers ----

    /**
     * The values of {@code key} on {@code topic} among the records the topic holds right now: its end
     * offsets are read first, then it is read up to them, so nothing published later can count.
     */
    private static <V extends SpecificRecord> List<V> onTopicNow(Topic<V> topic, String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<V> values = new ArrayList<>();
            await().atMost(WAIT).pollInSameThread().until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < ends.get(tp) && key.equals(record.key())) {
                        values.add(SERDE.deserialize(topic, record.value()));
                    }
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
            return values;
        }
    }

    /** A second orchestrator on the same database whose producer cannot reach any broker. */
    private static ConfigurableApplicationContext orchestratorWithoutKafkaProducer() {
        return new SpringApplicationBuilder(OrchestratorApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                "--spring.kafka.producer.bootstrap-servers=127.0.0.1:9",
                "--spring.kafka.producer.properties.max.block.ms=1000",
                "--spring.kafka.consumer.group-id=orchestrator-without-producer-" + UUID.randomUUID(),
                "--spring.kafka.consumer.auto-offset-reset=latest",
                "--fleet.kafka.provision-topics=false",
                "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                "--spring.r2dbc.url=" + SharedPostgres.r2dbcUrl(),
                "--spring.r2dbc.username=" + SharedPostgres.user(),
                "--spring.flyway.url=" + SharedPostgres.jdbcUrl(),
                "--spring.flyway.user=" + SharedPostgres.user(),
                "--fleet.orchestrator.outbox.admin-publish-timeout=2s",
                "--fleet.orchestrator.outbox.send-timeout=1s",
                "--fleet.orchestrator.outbox.relay-interval=1h");
    }

    private Map<String, Object> createPromptVersion(String tenant, String name, String template, String... labels) {
        return admin(web.post().uri("/admin/tenants/" + tenant + "/prompts/" + name + "/versions")
                .bodyValue(Map.of("template", template, "labels", List.of(labels))))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CREATED)
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private void expectAdminError(WebTestClient.RequestHeadersSpec<?> request, int status, String code) {
        WebTestClient.BodyContentSpec body = admin(request).exchange().expectStatus().isEqualTo(status).expectBody()
                .jsonPath("$.error.message").isNotEmpty();
        if (code != null) {
            body.jsonPath("$.error.code").isEqualTo(code);
        }
    }

    private static int productionVersion(PromptRegistry registry, String tenant) {
        return registry.find(tenant, "support").map(p -> p.labels().getOrDefault("production", 0)).orElse(0);
    }

    private static ChatRequested withMetadata(ChatRequested request, Map<String, String> metadata) {
        return ChatRequested.newBuilder(request).setMetadata(metadata).build();
    }

    private static ChatRequested inConversation(ChatRequested request, String conversation, Integer maxTokens) {
        return ChatRequested.newBuilder(request).setConversationId(conversation).setMaxTokens(maxTokens).build();
    }

    /** The messages the simulator received for {@code request} (found by its last message), as "role: content". */
    private static List<String> messagesSentFor(ChatRequested request) {
        String question = request.getMessages().get(request.getMessages().size() - 1).getContent();
        JsonNode body = await().atMost(WAIT).until(() -> SIMULATOR.requests().stream()
                .filter(r -> {
                    JsonNode messages = r.get("messages");
                    return messages.get(messages.size() - 1).get("content").asText().equals(question);
                }).reduce((a, b) -> b), Optional::isPresent).orElseThrow();
        List<String> messages = new ArrayList<>();
        body.get("messages").forEach(m -> messages.add(m.get("role").asText() + ": " + m.get("content").asText()));
        return messages;
    }

    private static List<String> systemMessagesSentFor(ChatRequested request) {
        return messagesSentFor(request).stream().filter(m -> m.startsWith("system: "))
                .map(m -> m.substring("system: ".length())).toList();
    }

    private static CompletionSucceeded completionOf(ChatRequested request) {
        return (CompletionSucceeded) awaitOne(FleetTopics.DOMAIN_EVENTS, r -> r.value().getPayload()
                instanceof CompletionSucceeded c && c.getRequestId().equals(request.getRequestId()))
                .value().getPayload();
    }

    /** A second orchestrator on the same broker and database (its own consumer group, reading new requests only). */
    private static ConfigurableApplicationContext orchestratorReplica() {
        return new SpringApplicationBuilder(OrchestratorApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                "--spring.kafka.consumer.group-id=orchestrator-replica-" + UUID.randomUUID(),
                "--spring.kafka.consumer.auto-offset-reset=latest",
                "--fleet.kafka.provision-topics=false",
                "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                "--spring.r2dbc.url=" + SharedPostgres.r2dbcUrl(),
                "--spring.r2dbc.username=" + SharedPostgres.user(),
                "--spring.flyway.url=" + SharedPostgres.jdbcUrl(),
                "--spring.flyway.user=" + SharedPostgres.user(),
                "--fleet.orchestrator.outbox.relay-interval=1h");
    }

    private WebTestClient.RequestHeadersSpec<?> admin(WebTestClient.RequestHeadersSpec<?> request) {
        return request.headers(h -> h.setBearerAuth(FleetTestEnvironment.ADMIN_TOKEN));
    }

    private Map<String, Object> createTenant(String name, String plan) {
        Map<String, Object> body = admin(web.post().uri("/admin/tenants").bodyValue(Map.of("name", name, "plan", plan)))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CREATED)
                .expectBody(JSON).returnResult().getResponseBody();
        tenantsToClean.add((String) body.get("id"));
        return body;
    }

    private Map<String, Object> issueKey(String tenantId) {
        return admin(web.post().uri("/admin/tenants/" + tenantId + "/keys")).exchange()
                .expectStatus().isEqualTo(HttpStatus.CREATED)
                .expectBody(JSON).returnResult().getResponseBody();
    }

    /** Sets {@code level} on {@code loggers}; returns their previous levels (null: inherited), to restore. */
    private Map<String, LogLevel> setLogLevels(LogLevel level, String... loggers) {
        Map<String, LogLevel> previous = new HashMap<>();
        for (String logger : loggers) {
            previous.put(logger, loggingSystem.getLoggerConfiguration(logger).getConfiguredLevel());
            loggingSystem.setLogLevel(logger, level);
        }
        return previous;
    }

    /** Writes a row into the outbox behind the orchestrator's back; returns its id. */
    private static long insertOutboxRow(String tenantId, String topic, byte[] payload) throws SQLException {
        try (Connection db = SharedPostgres.connect(); PreparedStatement insert = db.prepareStatement("""
                INSERT INTO orchestrator.outbox (event_id, topic, message_key, payload, tenant_id)
                VALUES (?::uuid, ?, ?, ?, ?::uuid) RETURNING id""")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, topic);
            insert.setString(3, tenantId);
            insert.setBytes(4, payload);
            insert.setString(5, tenantId);
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static String outboxFailure(long id) throws SQLException {
        try (Connection db = SharedPostgres.connect();
                PreparedStatement select = db.prepareStatement(
                        "SELECT failure FROM orchestrator.outbox WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private static Tenant tenantRecord(String id, String name) {
        return Tenant.newBuilder()
                .setId(id)
                .setName(name)
                .setPlan(Plan.FREE)
                .setStatus(TenantStatus.ACTIVE)
                .setRequestsPerMinute(60)
                .setTokensPerDay(100_000)
                .setUpdatedAt(Instant.now())
                .build();
    }

    private String newTenantId() {
        String tenant = UUID.randomUUID().toString();
        tenantsToClean.add(tenant);
        return tenant;
    }

    private static ChatRequested chat(String tenant, String model, String question) {
        return ChatRequested.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenantId(tenant)
                .setConversationId(UUID.randomUUID().toString())
                .setModel(model)
                .setMessages(List.of(ChatMessages.text(ChatRole.SYSTEM, "Answer briefly."),
                        ChatMessages.text(ChatRole.USER, question)))
                .setStream(true)
                .setMetadata(Map.of())
                .setReplyTo("gateway-test")
                .setRequestedAt(Instant.now())
                .build();
    }

    private static void send(ChatRequested request, String traceparent) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.CHAT_REQUESTS.name(),
                request.getConversationId(), request);
        record.headers().add(FleetHeaders.TENANT_ID, request.getTenantId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.EVENT_ID, request.getRequestId().getBytes(StandardCharsets.UTF_8));
        if (traceparent != null) {
            record.headers().add(FleetHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <V extends SpecificRecord> void reply(Topic<V> topic, Integer partition, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), partition, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A partition of {@code topic} that is not where the default partitioner would put {@code key}. */
    private static int notTheKeysPartition(String key, Topic<?> topic) {
        int keyed = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % topic.partitions();
        return (keyed + 1) % topic.partitions();
    }

    private static List<Received<ChatChunk>> chunks(String requestId) {
        return received(FleetTopics.CHAT_REPLIES, r -> r.key().equals(requestId)).stream()
                .sorted(Comparator.comparingInt(r -> r.value().getSeq())).toList();
    }

    private static List<Received<ChatChunk>> awaitReply(String requestId) {
        return await().atMost(WAIT).until(() -> chunks(requestId),
                chunks -> chunks.stream().anyMatch(c -> c.value().getFinishReason() != null));
    }

    private static String text(List<Received<ChatChunk>> reply) {
        return reply.stream().map(r -> r.value().getDelta()).reduce("", String::concat);
    }

    private static void assertUsageRecorded(ChatRequested request, ChatChunk last) {
        String tenant = request.getTenantId();
        Received<UsageRecorded> prompt = awaitOne(FleetTopics.USAGE, r -> r.key().equals(tenant)
                && r.value().getMeter() == Meter.PROMPT_TOKENS
                && UsageRecorder.eventId(request.getRequestId(), Meter.PROMPT_TOKENS).equals(r.header(FleetHeaders.EVENT_ID)));
        Received<UsageRecorded> completion = awaitOne(FleetTopics.USAGE, r -> r.key().equals(tenant)
                && r.value().getMeter() == Meter.COMPLETION_TOKENS
                && UsageRecorder.eventId(request.getRequestId(), Meter.COMPLETION_TOKENS).equals(r.header(FleetHeaders.EVENT_ID)));
        assertThat(prompt.value().getQuantity()).isEqualTo(last.getUsage().getPromptTokens());
        assertThat(completion.value().getQuantity()).isEqualTo(last.getUsage().getCompletionTokens());
        assertThat(prompt.value().getModel()).isEqualTo(request.getModel());
    }

    private static <V extends SpecificRecord> Received<V> awaitOne(Topic<V> topic, Predicate<Received<V>> match) {
        return await().atMost(WAIT).until(() -> received(topic, match).stream().findFirst(),
                Optional::isPresent).orElseThrow();
    }

    private static String trace(Received<?> record) {
        String traceparent = record.header(FleetHeaders.TRACEPARENT);
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    private static long count(String sql, String... parameters) throws SQLException {
        try (Connection db = SharedPostgres.connect(); PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    private static Properties producerProperties() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        return properties;
    }

    /** The records of {@code topic} read so far (from its beginning) that match, in the order read. */
    private static <V extends SpecificRecord> List<Received<V>> received(Topic<V> topic, Predicate<Received<V>> match) {
        TopicReader<String, Wire> reader = READERS.computeIfAbsent(topic.name(),
                name -> TopicReader.decoded(name, Wire::decode));
        return reader.drain(r -> r.key() != null && r.value() != null).stream()
                .map(r -> new Received<>(r.key(), topic.valueType().cast(r.value().value()), r.headers(),
                        r.value().raw(), r.partition()))
                .filter(match)
                .toList();
    }

    /** A record seen on a topic: key, decoded value, headers and the value's bytes as they were on the wire. */
    record Received<V>(String key, V value, Headers headers, byte[] raw, int partition) {
        String header(String name) {
            return FleetHeaders.get(headers, name).orElse(null);
        }
    }

    /** A value decoded with the fleet serde, with its bytes, so tests can look for what must not be in them. */
    private record Wire(SpecificRecord value, byte[] raw) {
        static Wire decode(String topic, byte[] data) {
            return data == null ? null : new Wire(SERDE.deserialize(topic, data), data);
        }
    }
}
