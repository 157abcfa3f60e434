package dev.fleet.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.Meter;
import dev.fleet.events.v1.UsageRecorded;
import dev.fleet.metering.messaging.UsageTopology;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;

/**
 * Two usage-metering replicas (two Spring contexts in this JVM, one Kafka Streams application on the
 * shared broker) answer {@code GET /usage/{tenantId}} identically for tenants whose usage only one of
 * them holds: the other asks the owner it finds in the streams' metadata.
 */
class UsageMeteringReplicasIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
    private static final List<Integer> ports = new ArrayList<>();
    private static final Instant FROM = Instant.now().minus(Duration.ofDays(1));
    private static final Instant TO = Instant.now().plus(Duration.ofDays(1));

    @BeforeAll
    static void startTwoReplicas() throws IOException {
        String applicationId = "usage-metering-replicas-" + UUID.randomUUID();
        for (int i = 0; i < 2; i++) {
            int port = freePort();
            ports.add(port);
            replicas.add(new SpringApplicationBuilder(UsageMeteringApplication.class).run(
                    "--server.port=" + port,
                    "--spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers(),
                    "--spring.kafka.streams.cleanup.on-shutdown=true",
                    "--fleet.admin.token=" + FleetTestEnvironment.ADMIN_TOKEN,
                    "--fleet.metering.application-id=" + applicationId,
                    "--fleet.metering.advertised-address=127.0.0.1:" + port));
        }
    }

    @AfterAll
    static void stopReplicas() {
        replicas.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void everyReplicaAnswersTheSameForATenantOnlyOneOfThemHolds() {
        // given both replicas running with tasks of their own
        await().atMost(WAIT).until(() -> replicas.stream().allMatch(r -> streams(r).state() == KafkaStreams.State.RUNNING)
                && streams(replicas.get(0)).metadataForAllStreamsClients().size() == 2
                && streams(replicas.get(0)).metadataForAllStreamsClients().stream()
                        .allMatch(client -> !client.topicPartitions().isEmpty()));

        // when usage of several tenants is published
        FleetPublisher publisher = replicas.get(0).getBean(FleetPublisher.class);
        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String tenant = UUID.randomUUID().toString();
            tenants.add(tenant);
            UsageRecorded usage = UsageRecorded.newBuilder().setTenantId(tenant).setMeter(Meter.PROMPT_TOKENS)
                    .setModel("m").setQuantity(10 + i).setOccurredAt(Instant.now()).build();
            publisher.publish(FleetTopics.USAGE, tenant, usage, EventContext.newEvent(tenant)).join();
        }

        // then each replica answers each tenant's usage, whichever holds it
        List<Integer> owners = new ArrayList<>();
        for (int i = 0; i < tenants.size(); i++) {
            String tenant = tenants.get(i);
            int quantity = 10 + i;
            await().atMost(WAIT).untilAsserted(() -> {
                Map<String, Object> first = usage(ports.get(0), tenant);
                Map<String, Object> second = usage(ports.get(1), tenant);
                assertThat(first.get("totals")).isEqualTo(Map.of("prompt_tokens", quantity));
                assertThat(second).isEqualTo(first);
            });
            KeyQueryMetadata owner = streams(replicas.get(0)).queryMetadataForKey(UsageTopology.STORE, tenant,
                    Serdes.String().serializer());
            owners.add(owner.activeHost().port());
        }
        assertThat(owners).as("tenants held by each replica").containsAll(ports);
    }

    private static Map<String, Object> usage(int port, String tenant) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(10))
                .build().get().uri("/usage/{tenant}?granularity=hour&from={from}&to={to}", tenant, FROM, TO)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + FleetTestEnvironment.ADMIN_TOKEN)
                .exchange().expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    private static KafkaStreams streams(ConfigurableApplicationContext replica) {
        return replica.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
