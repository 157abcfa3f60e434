package dev.fleet.orchestrator.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.ConsoleSignInRefused;
import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantPlanChanged;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.TenantStatusChanged;
import dev.fleet.orchestrator.domain.ControlPlaneEvents;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.TopicReader;

/**
 * The tenants part of the admin API against the real broker and PostgreSQL: search by name part or
 * id with cursor paging, plan changes, suspend and resume (each on {@code fleet.tenants.v1} before the
 * answer, and audited), a tenant's keys listed without secrets or hashes, and the console's refused
 * sign-ins as fleet-wide events. (The database outlives runs: every name carries this run's marker.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its chat consumers must not answer the other test classes' requests in the same JVM
class TenantsAdminIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    private WebTestClient web;

    @Autowired
    private ControlPlaneEvents events;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
    }

    @Test
    @SuppressWarnings("unchecked")
    void findsTenantsByNamePartOrIdNewestFirstAPageAtATime() {
        // given
        String alpha = createTenant("Zebra-" + run + "-Alpha", "free");
        String beta = createTenant("zebra-" + run + "-beta", "pro");
        String other = createTenant("Okapi " + run, "free");

        // when searching a part of one name, in other case
        List<Map<String, Object>> found = (List<Map<String, Object>>) get(
                "/admin/tenants?q=ZEBRA-" + run.toUpperCase() + "-ALP").get("tenants");

        // then only that tenant is found
        assertThat(found).extracting(t -> t.get("id")).containsExactly(alpha);

        // and a common part finds both, newest first, a page at a time
        Map<String, Object> first = get("/admin/tenants?limit=1&q=zebra-" + run);
        assertThat((List<Map<String, Object>>) first.get("tenants")).extracting(t -> t.get("id"))
                .containsExactly(beta);
        Map<String, Object> second = get("/admin/tenants?limit=1&q=zebra-" + run + "&cursor="
                + first.get("next_cursor"));
        assertThat((List<Map<String, Object>>) second.get("tenants")).extracting(t -> t.get("id"))
                .containsExactly(alpha);
        assertThat(second.get("next_cursor")).isNull();

        // and an id finds its tenant only
        assertThat((List<Map<String, Object>>) get("/admin/tenants?q=" + other).get("tenants"))
                .extracting(t -> t.get("id")).containsExactly(other);

        // and a bad limit or cursor is refused, naming it
        web.get().uri("/admin/tenants?limit=0").header(HttpHeaders.AUTHORIZATION, bearer()).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("limit");
        web.get().uri("/admin/tenants?cursor=nonsense").header(HttpHeaders.AUTHORIZATION, bearer()).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("cursor");
        web.get().uri("/admin/tenants").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void suspendsAndResumesATenantOnItsTopicBeforeAnsweringAndAuditsBoth() {
        // given
        String id = createTenant("Suspendable " + run, "free");
        long before = endOffsets();

        // when
        Map<String, Object> suspended = post("/admin/tenants/" + id + "/suspend");
        long afterSuspend = endOffsets();

        // then the SUSPENDED record was on the topic before the answer, and the change is a domain event
        assertThat(suspended).containsEntry("status", "suspended");
        assertThat(afterSuspend).as("acknowledged before the 200").isGreaterThan(before);
        try (TopicReader<String, SpecificRecord> tenants = TopicReader.decoded(FleetTopics.TENANTS.name(),
                SERDE.deserializer());
                TopicReader<String, SpecificRecord> domainEvents = TopicReader.decodedSkippingUnreadable(
                        FleetTopics.DOMAIN_EVENTS.name(), SERDE.deserializer())) {
            long suspendedAt = tenants.awaitRecord(r -> id.equals(r.key())
                    && ((Tenant) r.value()).getStatus() == TenantStatus.SUSPENDED, WAIT).offset();
            DomainEvent event = (DomainEvent) domainEvents.awaitRecord(r -> id.equals(r.key())
                    && r.value() instanceof DomainEvent e && e.getPayload() instanceof TenantStatusChanged, WAIT)
                    .value();
            assertThat(event.getPayload()).isEqualTo(
                    new TenantStatusChanged(TenantStatus.SUSPENDED, TenantStatus.ACTIVE));
            assertThat(event.getActor()).isEqualTo("admin");
            assertThat(event.getSubject()).isEqualTo("tenant/" + id);

            // and resuming reverses it the same way
            assertThat(post("/admin/tenants/" + id + "/resume")).containsEntry("status", "active");
            assertThat(endOffsets()).isGreaterThan(afterSuspend);
            tenants.awaitRecord(r -> id.equals(r.key()) && r.offset() > suspendedAt
                    && ((Tenant) r.value()).getStatus() == TenantStatus.ACTIVE, WAIT);
            domainEvents.awaitRecord(r -> id.equals(r.key()) && r.value() instanceof DomainEvent e
                    && new TenantStatusChanged(TenantStatus.ACTIVE, TenantStatus.SUSPENDED).equals(e.getPayload()),
                    WAIT);
        }
        web.post().uri("/admin/tenants/" + UUID.randomUUID() + "/suspend").header(HttpHeaders.AUTHORIZATION, bearer())
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("tenant_not_found");
    }

    @Test
    void changesThePlanOnTheTopicAndAuditsIt() {
        // given
        String id = createTenant("Upgrader " + run, "free");

        // when
        Map<String, Object> changed = web.put().uri("/admin/tenants/" + id + "/plan")
                .header(HttpHeaders.AUTHORIZATION, bearer()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"plan\":\"pro\"}").exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();

        // then
        assertThat(changed).containsEntry("plan", "pro");
        try (TopicReader<String, SpecificRecord> tenants = TopicReader.decoded(FleetTopics.TENANTS.name(),
                SERDE.deserializer());
                TopicReader<String, SpecificRecord> domainEvents = TopicReader.decodedSkippingUnreadable(
                        FleetTopics.DOMAIN_EVENTS.name(), SERDE.deserializer())) {
            tenants.awaitRecord(r -> id.equals(r.key()) && ((Tenant) r.value()).getPlan() == Plan.PRO, WAIT);
            domainEvents.awaitRecord(r -> id.equals(r.key()) && r.value() instanceof DomainEvent e
                    && new TenantPlanChanged(Plan.PRO, Plan.FREE).equals(e.getPayload()), WAIT);
        }

        // and an unknown plan or tenant is refused
        web.put().uri("/admin/tenants/" + id + "/plan").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"plan\":\"gold\"}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("plan");
        web.put().uri("/admin/tenants/" + UUID.randomUUID() + "/plan").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"plan\":\"pro\"}").exchange()
                .expectStatus().isNotFound();
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsATenantsKeysWithoutSecretsOrHashes() {
        // given a tenant with a revoked and an active key
        String id = createTenant("Keyholder " + run, "free");
        Map<String, Object> revoked = post("/admin/tenants/" + id + "/keys");
        Map<String, Object> active = post("/admin/tenants/" + id + "/keys");
        web.delete().uri("/admin/keys/" + revoked.get("id")).header(HttpHeaders.AUTHORIZATION, bearer()).exchange()
                .expectStatus().isNoContent();

        // when
        String body = web.get().uri("/admin/tenants/" + id + "/keys").header(HttpHeaders.AUTHORIZATION, bearer())
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        List<Map<String, Object>> keys = (List<Map<String, Object>>) get("/admin/tenants/" + id + "/keys").get("keys");

        // then both are listed, newest first, by prefix only
        assertThat(keys).extracting(k -> k.get("id")).containsExactly(active.get("id"), revoked.get("id"));
        assertThat(keys.get(0)).containsEntry("status", "active").containsEntry("revoked_at", null)
                .containsEntry("prefix", active.get("prefix")).doesNotContainKeys("key", "sha256");
        assertThat(keys.get(1)).containsEntry("status", "revoked").extractingByKey("revoked_at").isNotNull();
        for (Map<String, Object> issued : List.of(active, revoked)) {
            String secret = (String) issued.get("key");
            assertThat(body).doesNotContain(secret).doesNotContain(ApiKeyHash.sha256Hex(secret));
        }
        web.get().uri("/admin/tenants/" + UUID.randomUUID() + "/keys").header(HttpHeaders.AUTHORIZATION, bearer())
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void publishesARefusedConsoleSignInAsAFleetWideEvent() {
        // given
        String remote = "203.0.113.x-" + run;

        // when
        events.consoleSignInRefused(remote, 3).block(WAIT);

        // then the relay publishes it under the nil tenant, like the price book's events
        String nil = new UUID(0, 0).toString();
        try (TopicReader<String, SpecificRecord> domainEvents = TopicReader.decodedSkippingUnreadable(
                FleetTopics.DOMAIN_EVENTS.name(), SERDE.deserializer())) {
            var record = domainEvents.awaitRecord(r -> r.value() instanceof DomainEvent e
                    && e.getPayload() instanceof ConsoleSignInRefused refused
                    && remote.equals(refused.getRemoteAddress()), WAIT);
            DomainEvent event = (DomainEvent) record.value();
            ConsoleSignInRefused refused = (ConsoleSignInRefused) event.getPayload();
            assertThat(record.key()).isEqualTo(nil);
            assertThat(event.getTenantId()).isEqualTo(nil);
            assertThat(event.getSubject()).isEqualTo("console/sign-in");
            assertThat(refused.getConsecutiveFailures()).isEqualTo(3);
            assertThat(refused.getInstance()).isNotBlank();
        }
    }

    private String createTenant(String name, String plan) {
        return (String) web.post().uri("/admin/tenants").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", name, "plan", plan)).exchange()
                .expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody().get("id");
    }

    /** The sum of the end offsets of {@code fleet.tenants.v1}'s partitions now (committed records). */
    private static long endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(FleetTopics.TENANTS.name(), WAIT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions, WAIT).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private Map<String, Object> get(String path) {
        return web.get().uri(path).header(HttpHeaders.AUTHORIZATION, bearer())
                .exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private Map<String, Object> post(String path) {
        return web.post().uri(path).header(HttpHeaders.AUTHORIZATION, bearer())
                .exchange().expectStatus().is2xxSuccessful()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private static String bearer() {
        return "Bearer " + FleetTestEnvironment.ADMIN_TOKEN;
    }
}
