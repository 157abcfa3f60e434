package dev.fleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.RecommendationRules;
import dev.fleet.events.v1.RecommendationRulesChanged;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.TopicReader;

/**
 * Recommendation rules in the orchestrator against the real broker and PostgreSQL (decision 0049): each PUT is
 * a new immutable version, active at once, with the collection's active rules on
 * {@code fleet.recommendation.rules.v1} by the time of the answer and a {@code RecommendationRulesChanged} event
 * (actor: admin) through the outbox; an earlier version can be activated again (rollback), version 0 clears the
 * rules; malformed or out-of-bounds rules are refused naming the field, and nothing is stored or published.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its chat consumers must not answer the other test classes' requests in the same JVM
class RecommendationRulesIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    private WebTestClient web;

    private final List<String> tenants = new ArrayList<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.orchestrator.outbox.relay-interval", () -> "100ms");
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        try (Connection db = SharedPostgres.connect()) {
            for (String tenant : tenants) {
                for (String sql : List.of(
                        "DELETE FROM orchestrator.recommendation_rule_state WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.recommendation_rule_versions WHERE tenant_id::text = ?",
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
    @SuppressWarnings("unchecked")
    void storesImmutableVersionsPublishesTheActiveRulesAndRollsBack() {
        // given
        String tenant = newTenant();

        try (TopicReader<byte[], byte[]> states = TopicReader.raw(FleetTopics.RECOMMENDATION_RULES.name());
                TopicReader<byte[], byte[]> events = TopicReader.raw(FleetTopics.DOMAIN_EVENTS.name())) {
            // when two versions are put
            Map<String, Object> first = put(tenant, """
                    {"rules": [{"when": {"team": "billing"}, "factor": 1.2},
                               {"when": {"stock": ["out", "discontinued"]}, "factor": 0.5}],
                     "pinned": ["guide", "faq"]}""").expectStatus().isOk().expectBody(JSON).returnResult()
                    .getResponseBody();
            put(tenant, """
                    {"rules": [{"when": {"team": "sales"}, "factor": 3}]}""").expectStatus().isOk();

            // then the second is active and on the topic, each version kept as it was
            assertThat(first).containsEntry("version", 1).containsEntry("active", true)
                    .containsEntry("pinned", List.of("guide", "faq")).containsEntry("created_by", "admin");
            assertThat((List<Map<String, Object>>) first.get("rules")).first()
                    .isEqualTo(Map.of("when", Map.of("team", List.of("billing")), "factor", 1.2));
            assertThat(get(rules(tenant))).containsEntry("version", 2).containsEntry("pinned", List.of());
            Map<String, Object> listed = get(rules(tenant) + "/versions");
            assertThat(listed).containsEntry("active", 2);
            assertThat((List<Map<String, Object>>) listed.get("versions"))
                    .extracting(v -> v.get("version"), v -> v.get("active"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, false),
                            org.assertj.core.groups.Tuple.tuple(2, true));
            RecommendationRules second = state(states, tenant, 2);
            assertThat(second.getRules()).singleElement()
                    .satisfies(rule -> assertThat(rule.getFactor()).isEqualTo(3.0));

            // when the first version is activated again (a rollback)
            Map<String, Object> rolledBack = post(rules(tenant) + "/versions/1/activate");

            // then it is the one on the topic, exactly as it was created
            assertThat(rolledBack).containsEntry("version", 1).containsEntry("active", true);
            RecommendationRules back = state(states, tenant, 1);
            assertThat(back.getTenantId()).isEqualTo(tenant);
            assertThat(back.getCollection()).isEqualTo("docs");
            assertThat(back.getPinned()).containsExactly("guide", "faq");
            assertThat(back.getRules()).extracting(r -> r.getWhen(), r -> r.getFactor()).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(Map.of("team", List.of("billing")), 1.2),
                    org.assertj.core.groups.Tuple.tuple(Map.of("stock", List.of("out", "discontinued")), 0.5));
            assertThat(get(rules(tenant) + "/versions")).containsEntry("active", 1);

            // and version 0 clears the rules
            post(rules(tenant) + "/versions/0/activate");
            RecommendationRules cleared = state(states, tenant, 0);
            assertThat(cleared.getRules()).isEmpty();
            assertThat(cleared.getPinned()).isEmpty();

            // and each change is one RecommendationRulesChanged event by the admin
            List<String> changes = new ArrayList<>();
            await().atMost(WAIT).pollInSameThread().until(() -> {
                changes.clear();
                events.drain(r -> r.key() != null && tenant.equals(new String(r.key(), StandardCharsets.UTF_8)))
                        .stream()
                        .flatMap(r -> decode(FleetTopics.DOMAIN_EVENTS.name(), r).stream())
                        .map(DomainEvent.class::cast)
                        .filter(e -> e.getPayload() instanceof RecommendationRulesChanged)
                        .forEach(e -> {
                            RecommendationRulesChanged changed = (RecommendationRulesChanged) e.getPayload();
                            changes.add(e.getActor() + " " + e.getSubject() + " " + changed.getChange() + " "
                                    + changed.getVersion());
                        });
                return changes.size() == 4;
            });
            assertThat(changes).containsExactly("admin recommendation-rules/docs created 1",
                    "admin recommendation-rules/docs created 2", "admin recommendation-rules/docs activated 1",
                    "admin recommendation-rules/docs activated 0");
        }

        // and unknown versions and tenants are 404
        admin(web.post().uri(rules(tenant) + "/versions/9/activate")).exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("recommendation_rules_version_not_found");
        admin(web.post().uri(rules(tenant) + "/versions/x/activate")).exchange().expectStatus().isNotFound();
        admin(web.get().uri(rules(UUID.randomUUID().toString()))).exchange().expectStatus().isNotFound();
        put(UUID.randomUUID().toString(), "{\"pinned\": [\"a\"]}").expectStatus().isNotFound();
    }

    @Test
    void refusesInvalidRulesNamingTheFieldAndStoresNothing() throws SQLException {
        // given
        String tenant = newTenant();
        StringBuilder tooMany = new StringBuilder("{\"rules\": [");
        for (int i = 0; i <= 100; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"when\": {\"k\": \"v\"}, \"factor\": 2}");
        }
        tooMany.append("]}");

        // when / then each malformed request is a 400 naming its field
        refused(tenant, "{\"rules\": [{\"when\": {\"team\": \"a\"}, \"factor\": 2}, "
                + "{\"when\": {\"team\": \"b\"}, \"factor\": 0}]}", "rules[1].factor");
        refused(tenant, "{\"rules\": [{\"when\": {\"team\": \"a\"}, \"factor\": -1.5}]}", "rules[0].factor");
        refused(tenant, "{\"rules\": [{\"when\": {\"team\": \"a\"}, \"factor\": \"big\"}]}", "rules[0].factor");
        refused(tenant, "{\"rules\": [{\"when\": {}, \"factor\": 2}]}", "rules[0].when");
        refused(tenant, "{\"rules\": [{\"factor\": 2}]}", "rules[0].when");
        refused(tenant, "{\"rules\": [{\"when\": {\"team\": []}, \"factor\": 2}]}", "rules[0].when.team");
        refused(tenant, "{\"rules\": [{\"when\": {\"team\": 7}, \"factor\": 2}]}", "rules[0].when.team");
        refused(tenant, tooMany.toString(), "rules");
        refused(tenant, "{\"pinned\": [\"a\", \"a\"]}", "pinned[1]");
        refused(tenant, "{\"pinned\": \"a\"}", "pinned");
        refused(tenant, "[]", "body");

        // and nothing was stored or written to the outbox
        assertThat(get(rules(tenant))).containsEntry("version", 0);
        assertThat(get(rules(tenant) + "/versions")).containsEntry("active", 0).containsEntry("versions", List.of());
        assertThat(OutboxRows.count(tenant, FleetTopics.RECOMMENDATION_RULES.name())).isZero();
    }

    private void refused(String tenant, String body, String param) {
        put(tenant, body).expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo(param);
    }

    /** The collection's state of {@code version} on the topic (it was there by the time of the answer). */
    private static RecommendationRules state(TopicReader<byte[], byte[]> states, String tenant, int version) {
        ConsumerRecord<byte[], byte[]> record = states.awaitRecord(r -> r.key() != null
                && (tenant + "/docs").equals(new String(r.key(), StandardCharsets.UTF_8))
                && decode(FleetTopics.RECOMMENDATION_RULES.name(), r)
                        .filter(v -> ((RecommendationRules) v).getVersion() == version).isPresent(),
                Duration.ofSeconds(5));
        return (RecommendationRules) decode(FleetTopics.RECOMMENDATION_RULES.name(), record).orElseThrow();
    }

    private static Optional<SpecificRecord> decode(String topic, ConsumerRecord<byte[], byte[]> record) {
        try {
            return Optional.ofNullable(SERDE.deserialize(topic, record.value()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private String newTenant() {
        Map<String, Object> created = admin(web.post().uri("/admin/tenants")
                .bodyValue(Map.of("name", "Shop", "plan", "pro"))).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        String id = (String) created.get("id");
        tenants.add(id);
        return id;
    }

    private static String rules(String tenant) {
        return "/admin/tenants/" + tenant + "/collections/docs/recommendation-rules";
    }

    private WebTestClient.ResponseSpec put(String tenant, String body) {
        return admin(web.put().uri(rules(tenant)).contentType(MediaType.APPLICATION_JSON).bodyValue(body)).exchange();
    }

    private Map<String, Object> post(String uri) {
        return admin(web.post().uri(uri)).exchange().expectStatus().isOk().expectBody(JSON).returnResult()
                .getResponseBody();
    }

    private Map<String, Object> get(String uri) {
        return admin(web.get().uri(uri)).exchange().expectStatus().isOk().expectBody(JSON).returnResult()
                .getResponseBody();
    }

    private static WebTestClient.RequestHeadersSpec<?> admin(WebTestClient.RequestHeadersSpec<?> request) {
        return request.headers(h -> h.setBearerAuth(FleetTestEnvironment.ADMIN_TOKEN));
    }
}
