package dev.fleet.gateway;

import static dev.fleet.gateway.GatewayKafkaFixture.KAFKA_WAIT;
import static dev.fleet.gateway.GatewayKafkaFixture.SERDE;
import static dev.fleet.gateway.GatewayKafkaFixture.endOffsetSums;
import static dev.fleet.gateway.GatewayKafkaFixture.givenActiveKey;
import static dev.fleet.gateway.GatewayKafkaFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskReason;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.gateway.messaging.KafkaTransactionPublisher;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.TopicProbe;
import dev.fleet.test.TopicReader;

/**
 * {@code POST /v1/risk/transactions} against the real in-JVM broker. The test plays the scorer: it
 * reads the transactions the gateway publishes and produces their decisions on
 * {@code fleet.risk.decisions.v1}, keyed {@code tenantId/accountId} as the scorer does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fleet.gateway.risk.wait-timeout=8s")
class RiskTransactionsIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafka(registry);
    }

    @Autowired
    WebTestClient webTestClient;

    @Autowired
    MeterRegistry meters;

    private WebTestClient client;
    private TopicReader<String, SpecificRecord> transactions;
    private String tenantId;
    private String key;

    @BeforeEach
    void given() {
        client = webTestClient.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        await().atMost(KAFKA_WAIT).untilAsserted(() -> client.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk());
        tenantId = UUID.randomUUID().toString();
        key = givenActiveKey(client, tenantId);
        transactions = TopicReader.decoded(FleetTopics.TRANSACTIONS.name(), SERDE.deserializer());
    }

    @AfterEach
    void closeReader() {
        transactions.close();
    }

    @Test
    void acceptsTransactionAndPublishesExactlyItsRecord() {
        // given
        Map<String, Object> body = transaction("tx-1", "acct-1", "12.50");
        body.put("occurred_at", "2026-12-01T10:15:30+01:00");
        body.put("metadata", Map.of("order", "o-42", "items", 3));
        // when
        JsonNode answer = post(body, 202);
        // then
        assertThat(answer.get("transaction_id").asText()).isEqualTo("tx-1");
        assertThat(answer.get("status").asText()).isEqualTo("accepted");
        ConsumerRecord<String, SpecificRecord> record = awaitTransaction("tx-1");
        assertThat(record.key()).isEqualTo(tenantId + "/acct-1");
        TransactionSubmitted tx = (TransactionSubmitted) record.value();
        assertThat(tx).isEqualTo(TransactionSubmitted.newBuilder().setTenantId(tenantId).setTransactionId("tx-1")
                .setAccountId("acct-1").setAmount(new Money("12.50", "EUR")).setMerchant("coffee-corner")
                .setMerchantCategory("5814").setCountry("DE").setDeviceId("device-7").setChannel("ecommerce")
                .setOccurredAt(Instant.parse("2026-12-01T09:15:30Z"))
                .setMetadata(Map.of("order", "o-42", "items", "3")).build());
        assertThat(FleetHeaders.get(record.headers(), FleetHeaders.EVENT_ID))
                .contains(KafkaTransactionPublisher.eventId(tenantId, "tx-1"));
        assertThat(FleetHeaders.get(record.headers(), FleetHeaders.TENANT_ID)).contains(tenantId);
        assertThat(FleetHeaders.get(record.headers(), FleetHeaders.PRODUCED_BY)).contains("gateway");
        assertThat(FleetHeaders.get(record.headers(), FleetHeaders.TRACEPARENT).flatMap(TraceParent::parse))
                .isPresent();
        assertThat(transactions.drain(r -> isTransaction(r, "tx-1"))).hasSize(1);
    }

    @Test
    void defaultsOccurredAtToNow() {
        // given
        Instant before = Instant.now();
        // when
        post(transaction("tx-now", "acct-1", "1"), 202);
        // then
        TransactionSubmitted tx = (TransactionSubmitted) awaitTransaction("tx-now").value();
        assertThat(tx.getOccurredAt()).isBetween(before.minusMillis(1), Instant.now());
        assertThat(tx.getDeviceId()).isEqualTo("device-7");
    }

    @Test
    void refusesInvalidTransactionsNamingTheFieldAndPublishesNothing() {
        // given
        Map<String, Long> before = endOffsetSums(List.of(FleetTopics.TRANSACTIONS));
        Map<String, Object> negative = transaction("tx-neg", "acct-1", "-5.00");
        Map<String, Object> unknownCurrency = transaction("tx-cur", "acct-1", "5.00");
        unknownCurrency.put("currency", "XYZ");
        Map<String, Object> noAccount = transaction("tx-acct", "acct-1", "5.00");
        noAccount.remove("account_id");
        Map<String, Object> numberAmount = transaction("tx-num", "acct-1", "5.00");
        numberAmount.put("amount", 12.5);
        // when / then
        assertRefused(negative, "amount", "must be positive");
        assertRefused(unknownCurrency, "currency", "ISO 4217");
        assertRefused(noAccount, "account_id", "is required");
        assertRefused(numberAmount, "amount", "decimal string");
        assertThat(endOffsetSums(List.of(FleetTopics.TRANSACTIONS))).isEqualTo(before);
    }

    @Test
    void waitAnswersTheDecisionTheScorerProduced() throws Exception {
        // given
        Map<String, Object> body = transaction("tx-wait", "acct-1", "980.00");
        body.put("wait", true);
        // when
        CompletableFuture<JsonNode> answer = postAsync(body, 200);
        TransactionSubmitted tx = (TransactionSubmitted) awaitTransaction("tx-wait").value();
        publishDecision(tx, RiskVerdict.DECLINE, 85.0, 3, List.of(
                new RiskReason("amount_far_above_history", "The amount is far above the account's history", 60.0),
                new RiskReason("first_time_at_merchant", "First payment to this merchant", 25.0)));
        // then
        JsonNode decision = answer.get(30, TimeUnit.SECONDS);
        assertThat(decision.get("transaction_id").asText()).isEqualTo("tx-wait");
        assertThat(decision.get("decision").asText()).isEqualTo("decline");
        assertThat(decision.get("score").asDouble()).isEqualTo(85.0);
        assertThat(decision.get("rule_set_version").asInt()).isEqualTo(3);
        assertThat(decision.get("reasons")).hasSize(2);
        assertThat(decision.get("reasons").get(0).get("rule").asText()).isEqualTo("amount_far_above_history");
        assertThat(decision.get("reasons").get(0).get("reason").asText())
                .isEqualTo("The amount is far above the account's history");
        assertThat(decision.get("reasons").get(0).get("score").asDouble()).isEqualTo(60.0);
        assertThat(decision.get("reasons").get(1).get("rule").asText()).isEqualTo("first_time_at_merchant");
    }

    @Test
    void waitWithoutDecisionAnswersPendingAfterTheTimeout() {
        // given: the scorer stays silent
        Map<String, Object> body = transaction("tx-slow", "acct-1", "20.00");
        body.put("wait", true);
        // when
        JsonNode answer = post(body, 202);
        // then
        assertThat(answer.get("transaction_id").asText()).isEqualTo("tx-slow");
        assertThat(answer.get("status").asText()).isEqualTo("pending");
        awaitTransaction("tx-slow");
    }

    @Test
    void concurrentWaitsOnDifferentAccountsEachGetTheirOwnDecision() throws Exception {
        // given
        Map<String, Object> first = transaction("tx-a", "acct-a", "10.00");
        first.put("wait", true);
        Map<String, Object> second = transaction("tx-b", "acct-b", "5000.00");
        second.put("wait", true);
        // when both wait, and the scorer answers the second first
        CompletableFuture<JsonNode> answerA = postAsync(first, 200);
        CompletableFuture<JsonNode> answerB = postAsync(second, 200);
        TransactionSubmitted txA = (TransactionSubmitted) awaitTransaction("tx-a").value();
        TransactionSubmitted txB = (TransactionSubmitted) awaitTransaction("tx-b").value();
        publishDecision(txB, RiskVerdict.REVIEW, 40.0, 1,
                List.of(new RiskReason("large_amount", "Large amount", 40.0)));
        publishDecision(txA, RiskVerdict.APPROVE, 0.0, 1, List.of());
        // then
        JsonNode a = answerA.get(30, TimeUnit.SECONDS);
        JsonNode b = answerB.get(30, TimeUnit.SECONDS);
        assertThat(a.get("transaction_id").asText()).isEqualTo("tx-a");
        assertThat(a.get("decision").asText()).isEqualTo("approve");
        assertThat(a.get("reasons")).isEmpty();
        assertThat(b.get("transaction_id").asText()).isEqualTo("tx-b");
        assertThat(b.get("decision").asText()).isEqualTo("review");
        assertThat(b.get("score").asDouble()).isEqualTo(40.0);
    }

    @Test
    void unreadableDecisionIsSkippedAndTheNextOneAnswers() throws Exception {
        // given
        double unreadableBefore = meters.get("fleet.gateway.risk.decisions.unreadable").functionCounter().count();
        Map<String, Object> body = transaction("tx-poison", "acct-p", "30.00");
        body.put("wait", true);
        CompletableFuture<JsonNode> answer = postAsync(body, 200);
        TransactionSubmitted tx = (TransactionSubmitted) awaitTransaction("tx-poison").value();
        // when a record of the awaited account cannot be decoded, and the decision follows it
        TopicProbe.shared().sendRaw(FleetTopics.RISK_DECISIONS.name(), tenantId + "/acct-p",
                "not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        publishDecision(tx, RiskVerdict.APPROVE, 5.0, 2, List.of());
        // then
        JsonNode decision = answer.get(30, TimeUnit.SECONDS);
        assertThat(decision.get("decision").asText()).isEqualTo("approve");
        assertThat(meters.get("fleet.gateway.risk.decisions.unreadable").functionCounter().count())
                .isGreaterThan(unreadableBefore);
    }

    private Map<String, Object> transaction(String transactionId, String accountId, String amount) {
        Map<String, Object> body = new HashMap<>();
        body.put("transaction_id", transactionId);
        body.put("account_id", accountId);
        body.put("amount", amount);
        body.put("currency", "EUR");
        body.put("merchant", "coffee-corner");
        body.put("merchant_category", "5814");
        body.put("country", "DE");
        body.put("device_id", "device-7");
        body.put("channel", "ecommerce");
        return body;
    }

    private void assertRefused(Map<String, Object> body, String param, String messagePart) {
        JsonNode error = post(body, 400).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).contains(param).contains(messagePart);
    }

    private JsonNode post(Map<String, Object> body, int status) {
        byte[] response = client.post().uri("/v1/risk/transactions").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(status)
                .expectBody().returnResult().getResponseBody();
        try {
            return JSON.readTree(response);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private CompletableFuture<JsonNode> postAsync(Map<String, Object> body, int status) {
        return CompletableFuture.supplyAsync(() -> post(body, status));
    }

    private ConsumerRecord<String, SpecificRecord> awaitTransaction(String transactionId) {
        return transactions.awaitRecord(r -> isTransaction(r, transactionId), KAFKA_WAIT);
    }

    private boolean isTransaction(ConsumerRecord<String, SpecificRecord> record, String transactionId) {
        return record.value() instanceof TransactionSubmitted tx && tx.getTenantId().equals(tenantId)
                && tx.getTransactionId().equals(transactionId);
    }

    /** What the scorer does: one decision for the transaction, keyed by its account. */
    private static void publishDecision(TransactionSubmitted tx, RiskVerdict verdict, double score, int ruleSetVersion,
            List<RiskReason> reasons) {
        RiskDecision decision = RiskDecision.newBuilder().setTenantId(tx.getTenantId())
                .setTransactionId(tx.getTransactionId()).setAccountId(tx.getAccountId()).setAmount(tx.getAmount())
                .setVerdict(verdict).setScore(score).setReasons(reasons).setFeatures(features())
                .setRuleSetVersion(ruleSetVersion).setOccurredAt(tx.getOccurredAt()).setDecidedAt(Instant.now())
                .build();
        send(FleetTopics.RISK_DECISIONS, tx.getTenantId() + "/" + tx.getAccountId(), decision);
    }

    private static RiskFeatures features() {
        return RiskFeatures.newBuilder().setCount1m(1).setSum1m(1).setCount1h(1).setSum1h(1).setCount24h(1)
                .setSum24h(1).setDistinctDevices24h(1).setDistinctCountries24h(1).setAmountZScore(0)
                .setHistoryCount(0).setFirstTimeAtMerchant(true).setSecondsSincePrevious(-1).setCountryChanged(false)
                .setImpossibleTravel(false).build();
    }
}
