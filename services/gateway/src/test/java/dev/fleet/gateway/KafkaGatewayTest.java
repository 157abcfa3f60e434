package dev.fleet.gateway;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.test.FleetTestEnvironment;

/**
 * The whole gateway on a random port against the shared in-JVM broker, with small request limits
 * so that the limit cases are cheap to provoke: bodies up to {@value #MAX_BODY_BYTES} bytes, request
 * records up to {@value #MAX_RECORD_BYTES} bytes, item texts up to {@value #MAX_ITEM_CHARS} characters.
 * Subclasses share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "fleet.gateway.chat-models=sim-model",
        "fleet.gateway.max-body-size=" + KafkaGatewayTest.MAX_BODY_BYTES + "B",
        "fleet.gateway.max-record-bytes=" + KafkaGatewayTest.MAX_RECORD_BYTES,
        "fleet.gateway.max-item-chars=" + KafkaGatewayTest.MAX_ITEM_CHARS})
abstract class KafkaGatewayTest {

    static final int MAX_BODY_BYTES = 256 * 1024;
    static final int MAX_RECORD_BYTES = 64 * 1024;
    static final int MAX_ITEM_CHARS = 8192;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient webTestClient;

    WebTestClient client;

    @BeforeEach
    void client() {
        client = webTestClient.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        // ready: mirrors caught up, reply partitions and this replica's share of the rate-limit budgets owned
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> client.get()
                .uri("/actuator/health/readiness").exchange().expectStatus().isOk());
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }
}
