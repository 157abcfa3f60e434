package dev.fleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.fleet.events.v1.DomainEvent;
import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskCaseDecided;
import dev.fleet.events.v1.RiskCaseEscalated;
import dev.fleet.events.v1.RiskCaseOpened;
import dev.fleet.events.v1.RiskCaseOutcome;
import dev.fleet.events.v1.RiskCaseResolution;
import dev.fleet.events.v1.RiskCaseReviewed;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskReason;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.RiskRuleSetChanged;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.AvroSingleObjectSerde;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.FleetSchemaStore;
import dev.fleet.platform.kafka.FleetSerde;
import dev.fleet.platform.risk.DefaultRiskRules;
import dev.fleet.schemas.FleetTopics;
import dev.fleet.test.FleetTestEnvironment;
import dev.fleet.test.SharedKafka;
import dev.fleet.test.SharedPostgres;
import dev.fleet.test.TopicProbe;
import dev.fleet.test.TopicReader;

/**
 * Risk in the orchestrator against the real broker and PostgreSQL: rule sets refused whole when they
 * do not compile, versions activated and shadowed with the tenant's whole state on
 * {@code fleet.risk.rule-sets.v1} and an event per change; review cases opened once per REVIEW
 * decision, approved by two distinct reviewers above the four-eyes amount with one outcome on
 * {@code fleet.risk.case-outcomes.v1}, escalated once past their SLA (the clock is the test's), and a
 * poison decision dead-lettered while the next one still opens its case; a backtest of a candidate
 * version over the tenant's transactions counting exactly the decisions it changes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext // its chat consumers must not answer the other test classes' requests in the same JVM
class RiskIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration SLA = Duration.ofHours(4);
    private static final FleetSerde SERDE = new AvroSingleObjectSerde(FleetSchemaStore.fromCatalog());
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };
    private static final Instant NOW = Instant.now();

    private static KafkaProducer<String, SpecificRecord> producer;

    @Autowired
    private WebTestClient web;

    @Autowired
    private ShiftableClock clock;

    private final List<String> tenants = new ArrayList<>();

    /** The system clock, moved forward when a test needs time to pass. */
    static final class ShiftableClock extends Clock {

        private volatile Duration shift = Duration.ZERO;

        void advance(Duration by) {
            shift = shift.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(shift);
        }
    }

    @TestConfiguration
    static class TestClock {

        @Bean
        @Primary
        ShiftableClock shiftableClock() {
            return new ShiftableClock();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        FleetTestEnvironment.kafkaAndPostgres(registry);
        registry.add("fleet.orchestrator.outbox.relay-interval", () -> "100ms");
        registry.add("fleet.orchestrator.risk.escalation-interval", () -> "200ms");
        registry.add("fleet.orchestrator.risk.case-sla", SLA::toString);
        registry.add("fleet.orchestrator.risk.four-eyes-amount", () -> "1000");
    }

    @BeforeAll
    static void startProducer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), SERDE.serializer());
    }

    @AfterAll
    static void stopProducer() {
        producer.close(Duration.ofSeconds(5));
    }

    @AfterEach
    void deleteTestData() throws SQLException {
        try (Connection db = SharedPostgres.connect()) {
            for (String tenant : tenants) {
                for (String sql : List.of("DELETE FROM orchestrator.risk_backtests WHERE tenant_id::text = ?", """
                        DELETE FROM orchestrator.risk_case_reviews WHERE case_id IN
                            (SELECT id FROM orchestrator.risk_cases WHERE tenant_id::text = ?)""",
                        "DELETE FROM orchestrator.risk_cases WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.risk_rules WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.risk_rule_set_versions WHERE tenant_id::text = ?",
                        "DELETE FROM orchestrator.risk_rule_set_state WHERE tenant_id::text = ?",
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
    void refusesARuleSetThatDoesNotCompileWithEveryProblemAndStoresNothing() throws SQLException {
        // given
        String tenant = newTenant();

        // when a rule set with an unknown feature and a syntax error is posted
        Map<String, Object> error = admin(web.post().uri(ruleSets(tenant)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"rules": [
                          {"id": "fine", "condition": "count1h >= 5", "score": 10, "reason": "busy"},
                          {"id": "unknown_feature", "condition": "count1h >= 5 and salary > 3", "score": 10,
                           "reason": "r"},
                          {"id": "syntax", "condition": "count1h >= ", "score": 10, "reason": "r"}],
                         "review_at": 50, "decline_at": 90}"""))
                .exchange().expectStatus().isBadRequest().expectBody(JSON).returnResult().getResponseBody();

        // then every problem is listed with its rule, field and position
        Map<String, Object> body = (Map<String, Object>) error.get("error");
        assertThat(body).containsEntry("type", "invalid_request_error").containsEntry("code", "invalid_rule_set");
        List<Map<String, Object>> problems = (List<Map<String, Object>>) body.get("problems");
        assertThat(problems).extracting(p -> p.get("rule")).containsExactly("unknown_feature", "syntax");
        assertThat(problems).allSatisfy(p -> assertThat(p).containsEntry("field", "condition"));
        assertThat(problems.get(0)).containsEntry("position", "count1h >= 5 and ".length());
        assertThat((Integer) problems.get(1).get("position")).isGreaterThanOrEqualTo(0);
        assertThat((String) body.get("message")).contains("unknown_feature").contains("syntax");

        // and nothing is stored or waiting to be published
        Map<String, Object> listed = get(ruleSets(tenant));
        assertThat((List<Map<String, Object>>) listed.get("versions")).extracting(v -> v.get("version"))
                .containsExactly(0);
        assertThat(listed).containsEntry("active", 0).containsEntry("shadow", null);
        assertThat(OutboxRows.count(tenant, FleetTopics.RISK_RULE_SETS.name())).isZero();

        // and malformed requests are refused clearly
        Map<String, Object> badJson = admin(web.post().uri(ruleSets(tenant)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"rules\": [")).exchange().expectStatus().isBadRequest().expectBody(JSON).returnResult()
                .getResponseBody();
        assertThat((String) ((Map<String, Object>) badJson.get("error")).get("message"))
                .startsWith("could not parse the request body");
        admin(web.post().uri(ruleSets(tenant)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"rules\": [], \"review_at\": \"high\", \"decline_at\": 90}")).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("review_at");
        admin(web.get().uri(ruleSets(UUID.randomUUID().toString()))).exchange().expectStatus().isNotFound();
        admin(web.post().uri(ruleSets(UUID.randomUUID().toString())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ruleSetBody(40))).exchange().expectStatus().isNotFound();
        admin(web.post().uri(ruleSets(UUID.randomUUID().toString())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(ruleSetBody(-1))).exchange().expectStatus().isNotFound();
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishesTheTenantsWholeStateAndAnEventForEachChange() {
        // given
        String tenant = newTenant();

        try (TopicReader<byte[], byte[]> states = TopicReader.raw(FleetTopics.RISK_RULE_SETS.name());
                TopicReader<byte[], byte[]> events = TopicReader.raw(FleetTopics.DOMAIN_EVENTS.name())) {
            // when two versions are created, the first activated and the second shadowed
            Map<String, Object> first = admin(web.post().uri(ruleSets(tenant)).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(ruleSetBody(40))).exchange().expectStatus().isCreated()
                    .expectHeader().valueEquals("Location", ruleSets(tenant) + "/1")
                    .expectBody(JSON).returnResult().getResponseBody();
            admin(web.post().uri(ruleSets(tenant)).contentType(MediaType.APPLICATION_JSON).bodyValue(ruleSetBody(30)))
                    .exchange().expectStatus().isCreated();
            post(ruleSets(tenant) + "/1/activate");
            Map<String, Object> shadowed = post(ruleSets(tenant) + "/2/shadow");

            // then the list says which is which, and the topic holds the whole state by the time of the answer
            assertThat(first).containsEntry("version", 1).containsEntry("review_at", 40.0);
            assertThat(shadowed).containsEntry("active", 1).containsEntry("shadow", 2);
            assertThat((List<Map<String, Object>>) get(ruleSets(tenant)).get("versions"))
                    .extracting(v -> v.get("version"), v -> v.get("active"), v -> v.get("shadow"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(0, false, false),
                            org.assertj.core.groups.Tuple.tuple(1, true, false),
                            org.assertj.core.groups.Tuple.tuple(2, false, true));
            RiskRuleSet state = latestState(states, tenant);
            assertThat(state.getActive().getVersion()).isEqualTo(1);
            assertThat(state.getActive().getReviewAt()).isEqualTo(40.0);
            assertThat(state.getActive().getRules()).extracting(r -> r.getId()).containsExactly("burst");
            assertThat(state.getShadow().getVersion()).isEqualTo(2);

            // and clearing the shadow, then going back to the default, publish again
            admin(web.delete().uri(ruleSets(tenant) + "/shadow")).exchange().expectStatus().isOk();
            assertThat(latestState(states, tenant).getShadow()).isNull();
            post(ruleSets(tenant) + "/0/activate");
            RiskRuleSet back = latestState(states, tenant);
            assertThat(back.getActive()).isEqualTo(DefaultRiskRules.version());

            // and each change is a RiskRuleSetChanged event
            List<String> changes = new ArrayList<>();
            await().atMost(WAIT).pollInSameThread().until(() -> {
                changes.clear();
                domainEvents(events, tenant, e -> e.getPayload() instanceof RiskRuleSetChanged).forEach(e -> {
                    RiskRuleSetChanged changed = (RiskRuleSetChanged) e.getPayload();
                    changes.add(changed.getChange() + " " + changed.getVersion());
                });
                return changes.size() == 6;
            });
            assertThat(changes).containsExactly("created 1", "created 2", "activated 1", "shadowed 2",
                    "shadow_cleared 2", "activated 0");
        }

        // and unknown versions, a shadow of the active version and a missing shadow are refused
        admin(web.post().uri(ruleSets(tenant) + "/9/activate")).exchange().expectStatus().isNotFound();
        admin(web.post().uri(ruleSets(tenant) + "/x/shadow")).exchange().expectStatus().isNotFound();
        admin(web.post().uri(ruleSets(tenant) + "/0/shadow")).exchange().expectStatus().isEqualTo(409);
        admin(web.delete().uri(ruleSets(tenant) + "/shadow")).exchange().expectStatus().isNotFound();
        admin(web.post().uri(ruleSets(UUID.randomUUID().toString()) + "/1/activate")).exchange().expectStatus()
                .isNotFound();
    }

    @Test
    @SuppressWarnings("unchecked")
    void opensExactlyOneCaseForAReviewDecisionDeliveredTwice() {
        // given
        String tenant = newTenant();
        RiskDecision review = decision(tenant, "tx-twice", "acct-1", "250.00", RiskVerdict.REVIEW);

        // when it is delivered twice, with an approve decision and then a marker review on the same partition
        publish(review);
        publish(review);
        publish(decision(tenant, "tx-approved", "acct-1", "10.00", RiskVerdict.APPROVE));
        publish(decision(tenant, "tx-marker", "acct-1", "20.00", RiskVerdict.REVIEW));

        // then once the marker's case is open, the twice-delivered decision has exactly one
        await().atMost(WAIT).until(() -> cases(tenant, "").stream()
                .anyMatch(c -> "tx-marker".equals(c.get("transaction_id"))));
        List<Map<String, Object>> cases = cases(tenant, "&status=open,escalated,decided");
        assertThat(cases).extracting(c -> c.get("transaction_id")).containsExactly("tx-twice", "tx-marker");

        // and the case shows the decision's reasons and features
        Map<String, Object> shown = get(cases(tenant) + "/" + cases.get(0).get("id"));
        assertThat(shown).containsEntry("status", "open").containsEntry("amount", "250.00")
                .containsEntry("currency", "EUR").containsEntry("account_id", "acct-1");
        assertThat((List<Map<String, Object>>) shown.get("reasons")).extracting(r -> r.get("rule"))
                .containsExactly("burst_across_countries");
        assertThat((Map<String, Object>) shown.get("features")).containsEntry("distinctCountries24h", 3)
                .containsEntry("count1h", 5);

        // and one RiskCaseOpened event per case
        try (TopicReader<byte[], byte[]> events = TopicReader.raw(FleetTopics.DOMAIN_EVENTS.name())) {
            List<String> opened = new ArrayList<>();
            await().atMost(WAIT).pollInSameThread().until(() -> {
                opened.clear();
                domainEvents(events, tenant, e -> e.getPayload() instanceof RiskCaseOpened)
                        .forEach(e -> opened.add(((RiskCaseOpened) e.getPayload()).getTransactionId()));
                return opened.contains("tx-marker");
            });
            assertThat(opened).containsExactly("tx-twice", "tx-marker");
        }

        // and the list pages and filters by score and age
        Map<String, Object> firstPage = get(cases(tenant) + "?limit=1");
        assertThat(firstPage).containsEntry("has_more", true);
        assertThat((List<Map<String, Object>>) firstPage.get("data")).extracting(c -> c.get("transaction_id"))
                .containsExactly("tx-twice");
        Map<String, Object> secondPage = get(cases(tenant) + "?limit=1&offset=1");
        assertThat(secondPage).containsEntry("has_more", false);
        assertThat((List<Map<String, Object>>) secondPage.get("data")).extracting(c -> c.get("transaction_id"))
                .containsExactly("tx-marker");
        assertThat(cases(tenant, "&min_score=61")).isEmpty();
        assertThat(cases(tenant, "&min_age=PT1H")).isEmpty();
        admin(web.get().uri(cases(tenant) + "?status=lost")).exchange().expectStatus().isBadRequest();
    }

    @Test
    @SuppressWarnings("unchecked")
    void approvalAboveTheFourEyesAmountTakesTwoDistinctReviewersAndPublishesOneOutcome() {
        // given a case for 5000 EUR (above the 1000 four-eyes amount)
        String tenant = newTenant();
        publish(decision(tenant, "tx-large", "acct-9", "5000.00", RiskVerdict.REVIEW));
        String caseId = await().atMost(WAIT).until(() -> cases(tenant, ""), c -> c.size() == 1).get(0).get("id")
                .toString();
        String decision = cases(tenant) + "/" + caseId + "/decision";

        try (TopicReader<byte[], byte[]> outcomes = TopicReader.raw(FleetTopics.RISK_CASE_OUTCOMES.name());
                TopicReader<byte[], byte[]> events = TopicReader.raw(FleetTopics.DOMAIN_EVENTS.name())) {
            // when ann approves, ann approves again, bob approves, and carol comes too late
            Map<String, Object> afterAnn = review(decision, "approve", "ann").expectStatus().isOk()
                    .expectBody(JSON).returnResult().getResponseBody();
            review(decision, "approve", "ann").expectStatus().isEqualTo(409).expectBody()
                    .jsonPath("$.error.code").isEqualTo("same_reviewer");
            Map<String, Object> afterBob = review(decision, "approve", "bob").expectStatus().isOk()
                    .expectBody(JSON).returnResult().getResponseBody();
            review(decision, "decline", "carol").expectStatus().isEqualTo(409).expectBody()
                    .jsonPath("$.error.code").isEqualTo("case_decided");

            // then the first approval keeps the case open, the second decides it
            assertThat(afterAnn).containsEntry("status", "open").containsEntry("resolution", null);
            assertThat((List<Map<String, Object>>) afterAnn.get("reviews")).extracting(r -> r.get("reviewer"))
                    .containsExactly("ann");
            assertThat(afterBob).containsEntry("status", "decided").containsEntry("resolution", "approved");

            // and exactly one outcome is published, naming both reviewers
            Predicate<ConsumerRecord<byte[], byte[]>> ofCase = r -> decode(FleetTopics.RISK_CASE_OUTCOMES.name(), r)
                    .filter(v -> v instanceof RiskCaseOutcome o && o.getCaseId().equals(caseId)).isPresent();
            ConsumerRecord<byte[], byte[]> published = outcomes.awaitRecord(ofCase, WAIT);
            RiskCaseOutcome outcome = (RiskCaseOutcome) decode(FleetTopics.RISK_CASE_OUTCOMES.name(), published)
                    .orElseThrow();
            assertThat(new String(published.key(), StandardCharsets.UTF_8)).isEqualTo(tenant + "/acct-9");
            assertThat(outcome.getResolution()).isEqualTo(RiskCaseResolution.APPROVED);
            assertThat(outcome.getReviewers()).containsExactly("ann", "bob");
            assertThat(outcome.getTransactionId()).isEqualTo("tx-large");

            // and the steps are domain events: reviewed by ann, decided by both
            List<Object> steps = new ArrayList<>();
            await().atMost(WAIT).pollInSameThread().until(() -> {
                steps.clear();
                domainEvents(events, tenant, e -> e.getPayload() instanceof RiskCaseReviewed
                        || e.getPayload() instanceof RiskCaseDecided).forEach(e -> steps.add(e.getPayload()));
                return steps.size() == 2;
            });
            assertThat(steps.get(0)).isInstanceOfSatisfying(RiskCaseReviewed.class,
                    r -> assertThat(r.getReviewer()).isEqualTo("ann"));
            assertThat(steps.get(1)).isInstanceOfSatisfying(RiskCaseDecided.class,
                    d -> assertThat(d.getReviewers()).containsExactly("ann", "bob"));
            assertThat(outcomes.drain(ofCase)).hasSize(1);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void escalatesAnOpenCaseOnceAfterItsSlaAndItCanStillBeDecided() {
        // given an open case
        String tenant = newTenant();
        publish(decision(tenant, "tx-slow", "acct-2", "99.00", RiskVerdict.REVIEW));
        String caseId = await().atMost(WAIT).until(() -> cases(tenant, ""), c -> c.size() == 1).get(0).get("id")
                .toString();
        assertThat(cases(tenant, "&status=escalated")).isEmpty();

        // when the SLA passes
        clock.advance(SLA.plusMinutes(1));

        // then it is escalated, visible in the list, with one event
        Map<String, Object> escalated = await().atMost(WAIT).until(() -> cases(tenant, "&status=escalated"),
                c -> c.size() == 1).get(0);
        assertThat(escalated).containsEntry("id", caseId).containsEntry("status", "escalated");
        assertThat(escalated.get("escalated_at")).isNotNull();
        try (TopicReader<byte[], byte[]> events = TopicReader.raw(FleetTopics.DOMAIN_EVENTS.name())) {
            Predicate<DomainEvent> escalation = e -> e.getPayload() instanceof RiskCaseEscalated x
                    && x.getCaseId().equals(caseId);
            await().atMost(WAIT).pollInSameThread().until(() -> domainEvents(events, tenant, escalation).size() == 1);
            // several escalation rounds later, still one
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInSameThread()
                    .until(() -> domainEvents(events, tenant, escalation).size() == 1);
        }

        // and an escalated case can still be decided (below the amount, by one reviewer)
        Map<String, Object> decided = review(cases(tenant) + "/" + caseId + "/decision", "decline", "dora")
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(decided).containsEntry("status", "decided").containsEntry("resolution", "declined");
    }

    @Test
    void deadLettersAPoisonDecisionAndStillOpensTheNextCase() {
        // given
        String tenant = newTenant();
        byte[] garbage = ("not a risk decision " + tenant).getBytes(StandardCharsets.UTF_8);
        TopicProbe probe = TopicProbe.shared();

        RiskDecision noTenant = RiskDecision.newBuilder(decision(tenant, "tx-no-tenant", "acct-3", "30.00",
                RiskVerdict.REVIEW)).setTenantId("not-a-uuid-" + tenant).build();

        // when garbage, a decision whose tenant id is no UUID, then a review decision, on one partition (same key)
        probe.sendRaw(FleetTopics.RISK_DECISIONS.name(), tenant + "/acct-3", garbage);
        publish(noTenant, tenant + "/acct-3");
        publish(decision(tenant, "tx-after-poison", "acct-3", "30.00", RiskVerdict.REVIEW));

        // then both are dead-lettered with their errors and the decision opens its case
        ConsumerRecord<byte[], byte[]> dead = probe.await(FleetTopics.RISK_DECISIONS.dlq(),
                r -> java.util.Arrays.equals(r.value(), garbage), WAIT);
        assertThat(TopicProbe.header(dead, FleetHeaders.ERROR)).isPresent();
        ConsumerRecord<byte[], byte[]> refused = probe.await(FleetTopics.RISK_DECISIONS.dlq(),
                r -> decode(FleetTopics.RISK_DECISIONS.name(), r).filter(v -> v instanceof RiskDecision d
                        && d.getTenantId().equals(noTenant.getTenantId())).isPresent(), WAIT);
        assertThat(TopicProbe.header(refused, FleetHeaders.ERROR)).hasValueSatisfying(
                error -> assertThat(error).contains("not a UUID"));
        await().atMost(WAIT).until(() -> cases(tenant, "").stream()
                .anyMatch(c -> "tx-after-poison".equals(c.get("transaction_id"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void backtestsACandidateVersionOverTheTenantsTransactionsAndCountsTheChangedDecisions() {
        // given a candidate version that reviews an account's third transaction within the hour
        String tenant = newTenant();
        admin(web.post().uri(ruleSets(tenant)).contentType(MediaType.APPLICATION_JSON).bodyValue("""
                {"rules": [{"id": "third_in_an_hour", "condition": "count1h >= 3", "score": 60,
                  "reason": "three in an hour"}], "review_at": 50, "decline_at": 90}"""))
                .exchange().expectStatus().isCreated();
        // and on the topic: five transactions of account a and two of b, 5 minutes apart, in the range;
        // one of a before the range and its warm-up; another tenant's; a record without a value
        Instant start = NOW.minus(Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            publish(transaction(tenant, "a", "a" + i, start.plus(Duration.ofMinutes(5L * i))));
        }
        publish(transaction(tenant, "b", "b0", start.plus(Duration.ofMinutes(1))));
        publish(transaction(tenant, "b", "b1", start.plus(Duration.ofMinutes(6))));
        publish(transaction(tenant, "a", "a-old", start.minus(Duration.ofDays(3))));
        publish(transaction(UUID.randomUUID().toString(), "a", "x0", start.plus(Duration.ofMinutes(2))));
        producer.send(new ProducerRecord<>(FleetTopics.TRANSACTIONS.name(), tenant + "/a",
                (SpecificRecord) null));
        producer.flush();

        // when the candidate is backtested against the version in force (the default) over the range
        String body = """
                {"from": "%s", "to": "%s", "candidate_version": 1}""".formatted(start.minus(Duration.ofMinutes(1)),
                NOW.plus(Duration.ofMinutes(1)));
        Map<String, Object> started = admin(web.post().uri(backtests(tenant)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)).exchange().expectStatus().isAccepted()
                .expectHeader().valueMatches("Location", ".*/risk/backtests/[0-9a-f-]{36}")
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(started).containsEntry("status", "running").containsEntry("baseline_version", 0)
                .containsEntry("candidate_version", 1);
        String uri = backtests(tenant) + "/" + started.get("id");
        Map<String, Object> done = await().atMost(WAIT).until(() -> get(uri),
                job -> !"running".equals(job.get("status")));

        // then the seven transactions of the range are decided by both, and a's last three change
        assertThat(done).containsEntry("status", "succeeded").containsEntry("error", null);
        Map<String, Object> report = (Map<String, Object>) done.get("report");
        assertThat(report).containsEntry("decided", 7).containsEntry("changed", 3)
                .containsEntry("transitions", Map.of("approve->review", 3));
        assertThat((List<Map<String, Object>>) report.get("examples")).extracting(e -> e.get("transaction_id"))
                .containsExactly("a2", "a3", "a4");
        assertThat((Map<String, Object>) report.get("skipped")).containsEntry("undecodable", 1)
                .containsEntry("invalid", 0);
        Map<String, Object> progress = (Map<String, Object>) done.get("progress");
        assertThat(progress.get("records_read")).isEqualTo(progress.get("records_total"));
        assertThat(progress).containsEntry("percent", 100);
        assertThat((List<Map<String, Object>>) get(backtests(tenant)).get("data"))
                .extracting(job -> job.get("id")).containsExactly(started.get("id"));
    }

    @Test
    void refusesABacktestOfAnUnknownVersionOrAnEmptyRange() {
        String tenant = newTenant();

        admin(web.post().uri(backtests(tenant)).contentType(MediaType.APPLICATION_JSON).bodyValue("""
                {"from": "2026-11-30T10:00:00Z", "to": "2026-11-30T11:00:00Z", "candidate_version": 7}"""))
                .exchange().expectStatus().isNotFound();
        admin(web.post().uri(backtests(tenant)).contentType(MediaType.APPLICATION_JSON).bodyValue("""
                {"from": "2026-11-30T10:00:00Z", "to": "2026-11-30T10:00:00Z", "candidate_version": 0}"""))
                .exchange().expectStatus().isBadRequest();
        admin(web.post().uri(backtests(tenant)).contentType(MediaType.APPLICATION_JSON).bodyValue("""
                {"from": "yesterday", "to": "2026-11-30T10:00:00Z", "candidate_version": 0}"""))
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("from");
        admin(web.post().uri(backtests(UUID.randomUUID().toString())).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"from": "2026-11-30T10:00:00Z", "to": "2026-11-30T11:00:00Z", "candidate_version": 0}"""))
                .exchange().expectStatus().isNotFound();
    }

    private static TransactionSubmitted transaction(String tenant, String account, String id, Instant at) {
        return new TransactionSubmitted(tenant, id, account, new Money("25.00", "EUR"), "grocer", "5411", "DE",
                "device-" + account, "card_present", at, Map.of());
    }

    private static void publish(TransactionSubmitted tx) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.TRANSACTIONS.name(),
                tx.getTenantId() + "/" + tx.getAccountId(), tx);
        record.headers().add(FleetHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
    }

    private static String backtests(String tenant) {
        return "/admin/tenants/" + tenant + "/risk/backtests";
    }

    private String newTenant() {
        Map<String, Object> created = admin(web.post().uri("/admin/tenants")
                .bodyValue(Map.of("name", "Risky", "plan", "pro"))).exchange().expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        String id = (String) created.get("id");
        tenants.add(id);
        return id;
    }

    private static String ruleSetBody(int reviewAt) {
        return """
                {"rules": [{"id": "burst", "condition": "count1h >= 4 and distinctCountries24h >= 3", "score": 60,
                  "reason": "a burst across countries"}], "review_at": %d, "decline_at": 90}""".formatted(reviewAt);
    }

    private static RiskDecision decision(String tenant, String transactionId, String account, String amount,
            RiskVerdict verdict) {
        return RiskDecision.newBuilder()
                .setTenantId(tenant)
                .setTransactionId(transactionId)
                .setAccountId(account)
                .setAmount(new Money(amount, "EUR"))
                .setVerdict(verdict)
                .setScore(verdict == RiskVerdict.APPROVE ? 0 : 60)
                .setReasons(verdict == RiskVerdict.APPROVE ? List.of() : List.of(new RiskReason(
                        "burst_across_countries", "a burst of transactions from several countries", 60.0)))
                .setFeatures(RiskFeatures.newBuilder().setCount1m(2).setSum1m(40).setCount1h(5).setSum1h(90)
                        .setCount24h(6).setSum24h(120).setDistinctDevices24h(1).setDistinctCountries24h(3)
                        .setAmountZScore(0.5).setHistoryCount(5).setFirstTimeAtMerchant(false)
                        .setSecondsSincePrevious(30).setCountryChanged(true).setImpossibleTravel(true).build())
                .setRuleSetVersion(0)
                .setOccurredAt(NOW)
                .setDecidedAt(NOW)
                .build();
    }

    private static void publish(RiskDecision decision) {
        publish(decision, decision.getTenantId() + "/" + decision.getAccountId());
    }

    private static void publish(RiskDecision decision, String key) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(FleetTopics.RISK_DECISIONS.name(),
                key, decision);
        record.headers().add(FleetHeaders.EVENT_ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(FleetHeaders.TENANT_ID, decision.getTenantId().getBytes(StandardCharsets.UTF_8));
        producer.send(record);
        producer.flush();
    }

    /** The tenant's latest state on the rule-sets topic, read until the newest has arrived. */
    private static RiskRuleSet latestState(TopicReader<byte[], byte[]> states, String tenant) {
        List<ConsumerRecord<byte[], byte[]>> records = states.drain(r -> r.key() != null
                && tenant.equals(new String(r.key(), StandardCharsets.UTF_8)));
        return (RiskRuleSet) decode(FleetTopics.RISK_RULE_SETS.name(), records.get(records.size() - 1)).orElseThrow();
    }

    private static List<DomainEvent> domainEvents(TopicReader<byte[], byte[]> events, String tenant,
            Predicate<DomainEvent> match) {
        return events.drain(r -> r.key() != null && tenant.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .stream()
                .flatMap(r -> decode(FleetTopics.DOMAIN_EVENTS.name(), r).stream())
                .map(DomainEvent.class::cast)
                .filter(match)
                .toList();
    }

    /** The value of a record, if it decodes (a shared topic may hold another test's garbage). */
    private static Optional<SpecificRecord> decode(String topic, ConsumerRecord<byte[], byte[]> record) {
        try {
            return Optional.ofNullable(SERDE.deserialize(topic, record.value()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private WebTestClient.ResponseSpec review(String uri, String resolution, String reviewer) {
        return admin(web.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of(
                "resolution", resolution, "reviewer", reviewer, "reason", reviewer + " checked the customer")))
                .exchange();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> cases(String tenant, String query) {
        return (List<Map<String, Object>>) get(cases(tenant) + "?sort=age" + query).get("data");
    }

    private static String cases(String tenant) {
        return "/admin/tenants/" + tenant + "/risk/cases";
    }

    private static String ruleSets(String tenant) {
        return "/admin/tenants/" + tenant + "/risk/rule-sets";
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
