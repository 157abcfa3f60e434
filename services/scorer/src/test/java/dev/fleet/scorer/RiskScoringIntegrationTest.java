package dev.fleet.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.EventContext;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetPublisher;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.kafka.streams.OutputHeaders;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicProbe;
import dev.fleet.test.TopicReader;

/**
 * The scorer's risk scoring wired in Spring against the real in-JVM broker: transactions published to
 * {@code fleet.transactions.v1} come back as exactly one decision each on {@code fleet.risk.decisions.v1}
 * (a re-published one too), a record that does not decode is dead-lettered, and the stream is part of
 * readiness.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.kafka.streams.cleanup.on-shutdown=true")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // leaves the broker to the sharding test's replicas
class RiskScoringIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
        registry.add("management.endpoint.health.group.readiness.show-details", () -> "always");
    }

    @Autowired
    FleetPublisher publisher;

    @Autowired
    FleetSerde serde;

    @Autowired
    WebTestClient http;

    @Test
    void decidesEveryPublishedTransactionExactlyOnce() {
        // given two accounts of a new tenant
        String tenant = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(3_600);
        List<TransactionSubmitted> transactions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            transactions.add(tx(tenant, "account-" + (i % 2), "tx-" + i, t0.plusSeconds(60L * i)));
        }
        TransactionSubmitted last = tx(tenant, "account-0", "tx-last", t0.plusSeconds(3_000));

        try (TopicReader<String, SpecificRecord> decisions = TopicReader.decoded(FleetTopics.RISK_DECISIONS.name(),
                serde.deserializer())) {
            // when each is published, one of them twice, and a last one after the duplicate on its account
            transactions.forEach(this::publish);
            publish(transactions.get(4));
            publish(last);

            // then every transaction is decided
            decisions.awaitRecord(r -> r.value() instanceof RiskDecision d && d.getTenantId().equals(tenant)
                    && d.getTransactionId().equals("tx-last"), WAIT);
            org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(
                    decisions.drain(r -> isOf(r, tenant))).hasSize(21));

            // exactly once: the re-published one was dropped (it was on the same partition before tx-last)
            List<ConsumerRecord<String, SpecificRecord>> decided = decisions.drain(r -> isOf(r, tenant));
            Map<String, ConsumerRecord<String, SpecificRecord>> byTransaction = decided.stream().collect(
                    Collectors.toMap(r -> ((RiskDecision) r.value()).getTransactionId(), Function.identity()));
            assertThat(byTransaction).hasSize(21);
            ConsumerRecord<String, SpecificRecord> first = byTransaction.get("tx-0");
            assertThat(first.key()).isEqualTo(tenant + "/account-0");
            assertThat(FleetHeaders.get(first.headers(), FleetHeaders.EVENT_ID))
                    .contains(OutputHeaders.eventId("risk-decision/" + tenant + "/tx-0"));
            assertThat(FleetHeaders.get(first.headers(), FleetHeaders.PRODUCED_BY)).contains("scorer");
            RiskDecision lastDecision = (RiskDecision) byTransaction.get("tx-last").value();
            assertThat(lastDecision.getFeatures().getCount1h()).isEqualTo(11); // its account's ten, once each, and itself
        }
    }

    @Test
    void deadLettersATransactionRecordThatDoesNotDecode() {
        String key = UUID.randomUUID() + "/poisoned";
        byte[] poison = "not a transaction".getBytes(StandardCharsets.UTF_8);

        TopicProbe.shared().sendRaw(FleetTopics.TRANSACTIONS.name(), key, poison);

        ConsumerRecord<byte[], byte[]> dead = TopicProbe.shared().awaitKey(FleetTopics.TRANSACTIONS.dlq(), key, WAIT);
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(TopicProbe.header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).contains(FleetTopics.TRANSACTIONS.name());
        assertThat(TopicProbe.header(dead, FleetHeaders.ERROR).orElseThrow()).contains("SerializationException");
    }

    @Test
    void isReadyOnceTheRiskStreamRuns() {
        org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> http.get()
                .uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.components.kafkaStreams.details.state").isEqualTo("RUNNING"));
    }

    private static boolean isOf(ConsumerRecord<String, SpecificRecord> record, String tenant) {
        return record.value() instanceof RiskDecision decision && decision.getTenantId().equals(tenant);
    }

    private void publish(TransactionSubmitted tx) {
        CompletableFuture<?> sent = publisher.publish(FleetTopics.TRANSACTIONS,
                tx.getTenantId() + "/" + tx.getAccountId(), tx, EventContext.newEvent(tx.getTenantId()));
        sent.join();
    }

    private static TransactionSubmitted tx(String tenant, String account, String id, Instant at) {
        return new TransactionSubmitted(tenant, id, account, new Money("19.90", "EUR"), "grocer", "5411", "DE",
                "phone-1", "card_present", at, Map.of());
    }
}
