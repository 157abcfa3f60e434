package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.Topic;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;

/**
 * Two gateway replicas (two application contexts in this JVM) against the shared broker. The test
 * plays the orchestrator's admin API as it now behaves: it publishes a tenant's and a key's records
 * through the platform publisher and waits for Kafka's acknowledgement, as the admin API does before
 * it answers; then the key must work on both replicas at once, and a revocation must reach both
 * within a second.
 */
class ApiKeyReplicasIntegrationTest {

    private static final Duration KAFKA_WAIT = Duration.ofSeconds(20);
    private static final int ROUNDS = 50;
    /** The two replicas' own reply groups, apart from other gateways' of this test JVM. */
    private static final String REPLY_GROUP = "gateway-keys-" + UUID.randomUUID();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
    private static final List<WebTestClient> clients = new ArrayList<>();
    private static FleetPublisher publisher;

    @BeforeAll
    static void startTwoReplicas() {
        for (int i = 0; i < 2; i++) {
            ConfigurableApplicationContext replica = new SpringApplicationBuilder(GatewayApplication.class).run(
                    "--server.port=0",
                    "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                    "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                    "--fleet.kafka.instance-id=gateway-replica-" + i,
                    "--fleet.kafka.reply-group=" + REPLY_GROUP);
            replicas.add(replica);
            clients.add(WebTestClient.bindToServer()
                    .baseUrl("http://127.0.0.1:" + replica.getEnvironment().getProperty("local.server.port"))
                    .responseTimeout(Duration.ofSeconds(10)).build());
        }
        publisher = replicas.get(0).getBean(FleetPublisher.class);
        for (WebTestClient client : clients) {
            await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/actuator/health/readiness").exchange()
                    .expectStatus().isOk());
        }
    }

    @AfterAll
    static void stopReplicas() {
        replicas.forEach(ConfigurableApplicationContext::close);
        replicas.clear();
        clients.clear();
    }

    @Test
    void aKeyWorksOnEveryReplicaTheMomentItsRecordIsAcknowledged() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            // given: a new tenant and key, acknowledged by Kafka (what the admin API waits for before its 201)
            String tenantId = UUID.randomUUID().toString();
            String key = newKey();
            publishTenant(tenantId);
            publishKey(UUID.randomUUID().toString(), tenantId, key, ApiKeyStatus.ACTIVE);
            // when: the key is used at once on each replica
            for (WebTestClient client : clients) {
                statuses.add(status(client, key));
            }
        }
        // then: never a 401
        assertThat(statuses).hasSize(ROUNDS * 2).containsOnly(200);
    }

    @Test
    void aRevokedKeyIsRefusedByEveryReplicaWithinASecond() throws Exception {
        // given
        String tenantId = UUID.randomUUID().toString();
        publishTenant(tenantId);
        List<Long> millis = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            String keyId = UUID.randomUUID().toString();
            String key = newKey();
            publishKey(keyId, tenantId, key, ApiKeyStatus.ACTIVE);
            for (WebTestClient client : clients) {
                assertThat(status(client, key)).isEqualTo(200);
            }
            // when: the revocation is acknowledged
            publishKey(keyId, tenantId, key, ApiKeyStatus.REVOKED);
            long acknowledged = System.nanoTime();
            // then: every replica refuses the key
            await().atMost(KAFKA_WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> clients.stream().allMatch(client -> status(client, key) == 401));
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acknowledged));
        }
        // then: p99 under a second
        List<Long> sorted = millis.stream().sorted().toList();
        long p50 = sorted.get(sorted.size() / 2);
        long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
        System.out.printf("revocation reached both replicas: p50 %d ms, p99 %d ms, max %d ms over %d revocations%n",
                p50, p99, sorted.get(sorted.size() - 1), sorted.size());
        assertThat(p99).isLessThan(1_000);
    }

    @Test
    void aWellFormedKeyNobodyIssuedIsStillRefusedAfterTheCatchUp() {
        for (WebTestClient client : clients) {
            client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + newKey()).exchange()
                    .expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
        }
    }

    private static int status(WebTestClient client, String key) {
        return client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
                .expectBody(String.class).returnResult().getStatus().value();
    }

    /** A key shaped like the orchestrator's: {@code fk-} and 32 random bytes in URL-safe Base64. */
    private static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "fk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void publishTenant(String tenantId) throws Exception {
        publish(FleetTopics.TENANTS, tenantId, tenantId, Tenant.newBuilder().setId(tenantId).setName("Replicas")
                .setPlan(Plan.PRO).setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(600)
                .setTokensPerDay(1_000_000).setUpdatedAt(Instant.now()).build());
    }

    private static void publishKey(String keyId, String tenantId, String key, ApiKeyStatus status) throws Exception {
        publish(FleetTopics.API_KEYS, keyId, tenantId, ApiKey.newBuilder().setId(keyId).setTenantId(tenantId)
                .setSha256(ApiKeyHash.sha256Hex(key)).setPrefix(key.substring(0, 9))
                .setScopes(List.of("chat", "embeddings", "items", "search")).setStatus(status)
                .setUpdatedAt(Instant.now()).build());
    }

    /** Publishes as the orchestrator's outbox does, and waits for the broker's acknowledgement. */
    private static <V extends SpecificRecord> void publish(Topic<V> topic, String key, String tenantId, V value)
            throws Exception {
        EventContext context = new EventContext(tenantId, UUID.randomUUID().toString(), TraceParent.newRoot());
        publisher.publish(topic, key, value, context).get(10, TimeUnit.SECONDS);
    }
}
