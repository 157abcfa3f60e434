package dev.fleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import dev.fleet.events.v1.ApiKey;
import dev.fleet.events.v1.ApiKeyStatus;
import dev.fleet.events.v1.Plan;
import dev.fleet.events.v1.Tenant;
import dev.fleet.events.v1.TenantStatus;
import dev.fleet.gateway.domain.ApiKeyDirectory;
import dev.fleet.gateway.domain.ratelimit.LimitsDirectory;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.schemas.ApiKeyHash;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.SharedKafka;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Three gateway replicas against the shared broker share one tenant's requests per minute
 * exactly: a burst spread over all three is admitted up to the limit and no further, and a raised
 * limit reaches every replica within two seconds.
 */
class RateLimitsAcrossReplicasIntegrationTest {

    private static final int REPLICAS = 3;
    /** The three replicas' own reply groups, apart from other gateways' of this test JVM. */
    private static final String REPLY_GROUP = "gateway-limits-" + UUID.randomUUID();
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(60);
    private static final AvroSingleObjectSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());

    private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
    private static final List<WebClient> clients = new ArrayList<>();
    private static KafkaProducer<String, SpecificRecord> producer;

    @BeforeAll
    static void startReplicas() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), SERDE.serializer());
        for (int i = 0; i < REPLICAS; i++) {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class)
                    .run("--server.port=0", "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                            "--fleet.kafka.instance-id=gateway-limits-" + i + "-" + UUID.randomUUID(),
                            "--fleet.kafka.reply-group=" + REPLY_GROUP);
            replicas.add(context);
            clients.add(WebClient.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port")));
        }
        await().atMost(KAFKA_WAIT).untilAsserted(() -> clients.forEach(client -> assertThat(client.get()
                .uri("/actuator/health/readiness").exchangeToMono(r -> Mono.just(r.statusCode().value())).block())
                .isEqualTo(200)));
    }

    @AfterAll
    static void stopReplicas() {
        replicas.forEach(ConfigurableApplicationContext::close);
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void shouldAdmitAtMostTheLimitInAMinuteAcrossThreeReplicasAndApplyARaisedLimitWithinTwoSeconds() {
        // given a tenant allowed 60 requests a minute, known to every replica
        String tenantId = UUID.randomUUID().toString();
        String key = "fk-" + UUID.randomUUID();
        publishTenant(tenantId, 60, 1);
        send(FleetTopics.API_KEYS, UUID.randomUUID().toString(), ApiKey.newBuilder().setId(UUID.randomUUID().toString())
                .setTenantId(tenantId).setSha256(ApiKeyHash.sha256Hex(key)).setPrefix(key.substring(0, 7))
                .setScopes(List.of()).setStatus(ApiKeyStatus.ACTIVE).setUpdatedAt(Instant.now()).build());
        awaitEveryReplica(tenantId, key, 60);
        // (the burst must fall into one minute: start it early enough in one)
        await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().atZone(ZoneOffset.UTC).getSecond() < 45);

        // when 200 requests arrive spread over the three replicas at once
        Instant start = Instant.now();
        List<Integer> statuses = Flux.fromStream(IntStream.range(0, 200).boxed())
                .flatMap(i -> clients.get(i % REPLICAS).get().uri("/v1/models")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())), 200)
                .collectList().block(Duration.ofSeconds(60));
        Instant end = Instant.now();

        // then at most 60 are admitted (and, with demand on every replica, hardly any capacity is stranded)
        assertThat(minute(start)).as("the burst stayed within one minute").isEqualTo(minute(end));
        long admitted = statuses.stream().filter(s -> s == 200).count();
        System.out.printf("rate limit 60/min over %d replicas: %d of 200 admitted in %d ms%n", REPLICAS, admitted,
                Duration.between(start, end).toMillis());
        assertThat(admitted).isLessThanOrEqualTo(60).isGreaterThanOrEqualTo(54);
        assertThat(statuses).filteredOn(s -> s != 200).containsOnly(429);

        // when the limit is raised
        publishTenant(tenantId, 200, 2);

        // then every replica admits again within two seconds
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (WebClient client : clients) {
                assertThat(client.get().uri("/v1/models").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block())
                        .isEqualTo(200);
            }
        });
    }

    private static long minute(Instant t) {
        return t.getEpochSecond() / 60;
    }

    private static void awaitEveryReplica(String tenantId, String key, int rpm) {
        await().atMost(KAFKA_WAIT).untilAsserted(() -> replicas.forEach(context -> {
            assertThat(context.getBean(ApiKeyDirectory.class).authenticate(key).isAuthenticated()).isTrue();
            assertThat(context.getBean(LimitsDirectory.class).forTenant(tenantId).requestsPerMinute()).isEqualTo(rpm);
        }));
    }

    private static void publishTenant(String tenantId, int rpm, long version) {
        send(FleetTopics.TENANTS, tenantId, Tenant.newBuilder().setId(tenantId).setName("limited " + tenantId)
                .setPlan(Plan.FREE).setStatus(TenantStatus.ACTIVE).setRequestsPerMinute(rpm).setTokensPerDay(0)
                .setUpdatedAt(Instant.ofEpochMilli(version)).build());
    }

    private static void send(dev.fleet.schemas.Topic<?> topic, String key, SpecificRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
