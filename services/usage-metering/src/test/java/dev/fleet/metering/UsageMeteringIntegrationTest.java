package dev.fleet.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
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

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.ItemDeleted;
import dev.fleet.events.v1.ItemEvent;
import dev.fleet.events.v1.ItemStorage;
import dev.fleet.events.v1.ItemUpserted;
import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.QuotaExceeded;
import dev.fleet.events.v1.QuotaState;
import dev.fleet.events.v1.QuotaStatus;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.schemas.ItemKey;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicProbe;
import dev.fleet.test.TopicReader;

/**
 * usage-metering against the real in-JVM broker: usage published to {@code fleet.usage.v1} shows
 * up in {@code GET /usage/{tenantId}}, the API needs the admin token, a poison record goes to
 * the dead-letter topic while later usage still counts, a tenant's quota status follows its usage, and its
 * stored items and bytes follow {@code fleet.items.v1}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.kafka.streams.cleanup.on-shutdown=true",
                "management.endpoint.health.group.readiness.show-details=always"})
class UsageMeteringIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @Autowired
    WebTestClient http;

    @Autowired
    FleetPublisher publisher;

    @Autowired
    FleetSerde serde;

    private final TopicProbe probe = TopicProbe.shared();

    @Test
    void totalsPublishedUsagePerTenantAndMeter() {
        // given
        String tenant = UUID.randomUUID().toString();
        String otherTenant = UUID.randomUUID().toString();

        // when
        publish(tenant, Meter.PROMPT_TOKENS, 10);
        publish(tenant, Meter.PROMPT_TOKENS, 5);
        publish(tenant, Meter.COMPLETION_TOKENS, 7);
        publish(otherTenant, Meter.PROMPT_TOKENS, 1000);

        // then
        await().atMost(WAIT).untilAsserted(() -> assertThat(totals(tenant))
                .isEqualTo(Map.of("prompt_tokens", 15, "completion_tokens", 7)));
        // the other tenant's usage may sit on another partition, processed after the first tenant's
        await().atMost(WAIT).untilAsserted(() -> assertThat(totals(otherTenant))
                .isEqualTo(Map.of("prompt_tokens", 1000)));
    }

    @Test
    void becomesReadyOnceTheStreamRuns() {
        await().atMost(WAIT).untilAsserted(() -> http.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.components.kafkaStreams.details.state").isEqualTo("RUNNING"));
    }

    @Test
    void refusesTheUsageApiWithoutTheAdminToken() {
        http.get().uri("/usage/{tenant}", UUID.randomUUID()).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_admin_token");
    }

    @Test
    void deadLettersAPoisonRecordAndKeepsCounting() {
        // given
        String tenant = UUID.randomUUID().toString();
        String poisonKey = "poison-" + UUID.randomUUID();
        byte[] poison = "not a usage record".getBytes(StandardCharsets.UTF_8);

        // when
        probe.sendRaw(FleetTopics.USAGE.name(), poisonKey, poison);
        publish(tenant, Meter.SEARCH_QUERIES, 3);

        // then
        ConsumerRecord<byte[], byte[]> dead = probe.awaitKey(FleetTopics.USAGE.dlq(), poisonKey, WAIT);
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(TopicProbe.header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).contains(FleetTopics.USAGE.name());
        await().atMost(WAIT).untilAsserted(() -> assertThat(totals(tenant)).isEqualTo(Map.of("search_queries", 3)));
    }

    @Test
    void writesQuotaStatusWithinASecondOfAChangeOfStateAndAuditsTheEscalation() {
        // given a tenant with a monthly quota of 100 tokens, known to metering
        String tenant = UUID.randomUUID().toString();
        publisher.publish(FleetTopics.TENANTS, tenant, Tenant.newBuilder().setId(tenant).setName("quota test")
                .setPlan(Plan.FREE).setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(0).setTokensPerDay(0)
                .setMonthlyTokens(100L).setUpdatedAt(Instant.now()).build(), EventContext.newEvent(tenant)).join();
        try (TopicReader<String, SpecificRecord> statuses = TopicReader.decoded(FleetTopics.QUOTA_STATUS.name(),
                serde.deserializer());
                TopicReader<String, SpecificRecord> events = TopicReader.decoded(FleetTopics.DOMAIN_EVENTS.name(),
                        serde.deserializer())) {
            statuses.awaitRecord(r -> tenant.equals(r.key()), WAIT);

            // when the tenant uses its whole quota
            long start = System.nanoTime();
            publish(tenant, Meter.PROMPT_TOKENS, 100);

            // then the exceeded status follows within a second (asserted with a margin for a loaded machine)
            ConsumerRecord<String, SpecificRecord> exceeded = statuses.awaitRecord(r -> tenant.equals(r.key())
                    && ((QuotaStatus) r.value()).getState() == QuotaState.EXCEEDED, WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("quota status EXCEEDED written %d ms after the usage was published%n", took.toMillis());
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            assertThat(((QuotaStatus) exceeded.value()).getUsed()).isEqualTo(100L);
            assertThat(events.awaitRecord(r -> tenant.equals(r.key())
                    && ((DomainEvent) r.value()).getPayload() instanceof QuotaExceeded, WAIT)).isNotNull();
        }
    }

    @Test
    void countsATenantsStoredItemsAndBytesFromTheItemsTopic() {
        // given
        String tenant = UUID.randomUUID().toString();
        try (TopicReader<String, SpecificRecord> storage = TopicReader.decoded(FleetTopics.ITEM_STORAGE.name(),
                serde.deserializer())) {

            // when two items are upserted, one of them twice, and another deleted
            item(tenant, "a", new ItemUpserted("hello", Map.of()));
            item(tenant, "b", new ItemUpserted("abc", Map.of("k", "v")));
            item(tenant, "a", new ItemUpserted("hello world", Map.of()));
            item(tenant, "b", new ItemDeleted());

            // then the tenant's total follows: one item, of its latest size
            ConsumerRecord<String, SpecificRecord> total = storage.awaitRecord(r -> tenant.equals(r.key())
                    && ((ItemStorage) r.value()).getItems() == 1 && ((ItemStorage) r.value()).getBytes() == 11, WAIT);
            assertThat(TopicProbe.header(total, FleetHeaders.PRODUCED_BY)).contains("usage-metering");
        }
    }

    private void publish(String tenant, Meter meter, long quantity) {
        UsageRecorded usage = UsageRecorded.newBuilder().setTenantId(tenant).setMeter(meter).setQuantity(quantity)
                .setOccurredAt(Instant.now()).build();
        publisher.publish(FleetTopics.USAGE, tenant, usage, EventContext.newEvent(tenant)).join();
    }

    private void item(String tenant, String id, SpecificRecord change) {
        ItemEvent event = new ItemEvent(tenant, "docs", id, change, Instant.now());
        publisher.publish(FleetTopics.ITEMS, ItemKey.of(event).toString(), event, EventContext.newEvent(tenant))
                .join();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> totals(String tenant) {
        Map<String, Object> body = http.get().uri("/usage/{tenant}", tenant)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange()
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(body).containsEntry("tenant_id", tenant);
        return (Map<String, Object>) body.get("totals");
    }
}
