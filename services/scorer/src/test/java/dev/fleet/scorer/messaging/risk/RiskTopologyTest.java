package dev.fleet.scorer.messaging.risk;

import static dev.fleet.scorer.messaging.risk.RiskTopologyFixture.tx;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.support.KafkaHeaders;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskReason;
import dev.fleet.events.v1.RiskRule;
import dev.fleet.events.v1.RiskRuleSet;
import dev.fleet.events.v1.RiskRuleSetVersion;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.kafka.FleetHeaders;
import dev.fleet.platform.kafka.TraceParent;
import dev.fleet.platform.kafka.streams.OutputHeaders;
import dev.fleet.platform.risk.DefaultRiskRules;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.schemas.FleetTopics;

class RiskTopologyTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String TENANT = "t1";
    private static final String ACCOUNT = "acct-1";
    private static final String KEY = TENANT + "/" + ACCOUNT;

    @TempDir
    Path stateDir;

    private RiskTopologyFixture risk;
    private int ids;

    @BeforeEach
    void start() {
        risk = new RiskTopologyFixture(stateDir, RiskFeatureSettings.DEFAULT, T0);
    }

    @AfterEach
    void stop() {
        risk.close();
    }

    @Test
    void decidesAFirstTransactionWithTheDefaultRulesUnderItsAccountsKey() {
        // when
        TransactionSubmitted first = next("25.00", T0, "DE", "d1", "grocer");
        risk.publish(first);

        // then
        TestRecord<String, RiskDecision> decided = risk.decisions.readRecord();
        assertThat(decided.key()).isEqualTo(KEY);
        RiskDecision decision = decided.value();
        assertThat(decision.getTransactionId()).isEqualTo(first.getTransactionId());
        assertThat(decision.getTenantId()).isEqualTo(TENANT);
        assertThat(decision.getAccountId()).isEqualTo(ACCOUNT);
        assertThat(decision.getAmount()).isEqualTo(new Money("25.00", "EUR"));
        assertThat(decision.getVerdict()).isEqualTo(RiskVerdict.APPROVE);
        assertThat(decision.getScore()).isZero();
        assertThat(decision.getReasons()).isEmpty();
        assertThat(decision.getRuleSetVersion()).isEqualTo(DefaultRiskRules.VERSION);
        assertThat(decision.getOccurredAt()).isEqualTo(T0);
        assertThat(decision.getDecidedAt()).isEqualTo(T0);
        assertThat(decision.getFeatures()).isEqualTo(new RiskFeatures(1, 25.0, 1, 25.0, 1, 25.0, 1, 1, 0.0, 0L, true,
                -1L, false, false));
        assertThat(risk.decisions.isEmpty()).isTrue();
        assertThat(risk.shadowDecisions.isEmpty()).isTrue();
    }

    @Test
    void stampsTheFleetHeadersWithAnEventIdDerivedFromTheTransactionAndItsTrace() {
        // given
        TraceParent trace = TraceParent.newRoot();
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetHeaders.TRACEPARENT, trace.toString().getBytes(StandardCharsets.UTF_8));

        // when
        TransactionSubmitted tx = next("10", T0, "DE", "d1", "m");
        risk.publish(tx, headers);

        // then
        var out = risk.decisions.readRecord().headers();
        assertThat(FleetHeaders.get(out, FleetHeaders.EVENT_ID)).contains(
                OutputHeaders.eventId("risk-decision/" + TENANT + "/" + tx.getTransactionId()));
        assertThat(FleetHeaders.get(out, FleetHeaders.TENANT_ID)).contains(TENANT);
        assertThat(FleetHeaders.get(out, FleetHeaders.PRODUCED_BY)).contains(RiskTopologyFixture.SERVICE);
        TraceParent continued = FleetHeaders.get(out, FleetHeaders.TRACEPARENT).flatMap(TraceParent::parse)
                .orElseThrow();
        assertThat(continued.traceId()).isEqualTo(trace.traceId());
        assertThat(continued.spanId()).isNotEqualTo(trace.spanId());
    }

    @Test
    void countsAndSumsTheLastMinuteHourAndDayLeavingOutOneExactlyAWindowEarlier() {
        // given transactions exactly 24 h, 1 h and 1 min before the last one
        Instant last = T0.plus(Duration.ofDays(1));
        risk.publish(next("1", T0, "DE", "d1", "m"));
        risk.publish(next("2", T0.plusSeconds(1), "DE", "d1", "m"));
        risk.publish(next("10", last.minus(Duration.ofHours(1)), "DE", "d1", "m"));
        risk.publish(next("20", last.minus(Duration.ofHours(1)).plusMillis(1), "DE", "d1", "m"));
        risk.publish(next("100", last.minus(Duration.ofMinutes(1)), "DE", "d1", "m"));
        risk.publish(next("200", last.minus(Duration.ofMinutes(1)).plusMillis(1), "DE", "d1", "m"));

        // when
        risk.publish(next("1000", last, "DE", "d1", "m"));

        // then
        RiskFeatures features = lastDecision().getFeatures();
        assertThat(features.getCount1m()).isEqualTo(2);
        assertThat(features.getSum1m()).isEqualTo(1200.0);
        assertThat(features.getCount1h()).isEqualTo(4);
        assertThat(features.getSum1h()).isEqualTo(1320.0);
        assertThat(features.getCount24h()).isEqualTo(6);
        assertThat(features.getSum24h()).isEqualTo(1332.0);
        assertThat(features.getSecondsSincePrevious()).isEqualTo(59);
    }

    @Test
    void countsDistinctDevicesAndCountriesOfTheDay() {
        risk.publish(next("1", T0, "DE", "d1", "m"));
        risk.publish(next("1", T0.plus(Duration.ofHours(2)), "AT", "d2", "m"));
        risk.publish(next("1", T0.plus(Duration.ofHours(4)), "AT", null, "m"));

        risk.publish(next("1", T0.plus(Duration.ofHours(6)), "AT", "d2", "m"));

        RiskFeatures features = lastDecision().getFeatures();
        assertThat(features.getDistinctDevices24h()).isEqualTo(2);
        assertThat(features.getDistinctCountries24h()).isEqualTo(2);
    }

    @Test
    void measuresTheAmountAgainstTheAccountsHistoryOnceItHasTwoEarlierTransactions() {
        risk.publish(next("10", T0, "DE", "d", "m"));
        risk.publish(next("30", T0.plusSeconds(60), "DE", "d", "m"));
        assertThat(lastDecision().getFeatures().getAmountZScore()).isZero();

        risk.publish(next("40", T0.plusSeconds(120), "DE", "d", "m"));

        RiskFeatures features = lastDecision().getFeatures();
        assertThat(features.getHistoryCount()).isEqualTo(2);
        assertThat(features.getAmountZScore()).isCloseTo(20 / Math.sqrt(200), org.assertj.core.api.Assertions
                .within(1e-9));
    }

    @Test
    void knowsAMerchantTheAccountPaidBefore() {
        risk.publish(next("10", T0, "DE", "d", "grocer"));
        risk.publish(next("10", T0.plusSeconds(60), "DE", "d", "grocer"));
        assertThat(lastDecision().getFeatures().getFirstTimeAtMerchant()).isFalse();

        risk.publish(next("10", T0.plusSeconds(120), "DE", "d", "jeweller"));
        assertThat(lastDecision().getFeatures().getFirstTimeAtMerchant()).isTrue();
    }

    @Test
    void flagsACountryChangeWithinTheMinimumTravelTimeAsImpossibleTravel() {
        risk.publish(next("10", T0, "DE", "d", "m"));

        risk.publish(next("10", T0.plus(Duration.ofMinutes(30)), "US", "d", "m"));
        RiskDecision fast = lastDecision();
        risk.publish(next("10", T0.plus(Duration.ofMinutes(90)), "DE", "d", "m"));
        RiskDecision exactlyAnHour = lastDecision();

        assertThat(fast.getFeatures().getSecondsSincePrevious()).isEqualTo(1800);
        assertThat(fast.getFeatures().getCountryChanged()).isTrue();
        assertThat(fast.getFeatures().getImpossibleTravel()).isTrue();
        assertThat(fast.getReasons()).extracting(RiskReason::getRule).contains("impossible_travel");
        assertThat(exactlyAnHour.getFeatures().getCountryChanged()).isTrue();
        assertThat(exactlyAnHour.getFeatures().getImpossibleTravel()).isFalse();
    }

    @Test
    void usesTheConfiguredMinimumTravelTime() {
        risk.close();
        risk = new RiskTopologyFixture(stateDir.resolve("strict"), new RiskFeatureSettings(Duration.ofHours(3),
                1_000, 5_000), T0);
        risk.publish(next("10", T0, "DE", "d", "m"));

        risk.publish(next("10", T0.plus(Duration.ofHours(2)), "FR", "d", "m"));

        assertThat(lastDecision().getFeatures().getImpossibleTravel()).isTrue();
    }

    @Test
    void scoresAnOutOfOrderTransactionByWhenItOccurred() {
        // given
        risk.publish(next("10", T0, "DE", "d1", "m"));
        risk.publish(next("20", T0.plus(Duration.ofMinutes(10)), "DE", "d1", "m"));
        risk.publish(next("30", T0.plus(Duration.ofHours(2)), "FR", "d2", "m"));

        // when one that occurred 5 minutes in arrives last
        risk.publish(next("40", T0.plus(Duration.ofMinutes(5)), "DE", "d1", "m"));

        // then only the one before it is in its windows and history
        RiskFeatures features = lastDecision().getFeatures();
        assertThat(features.getCount1h()).isEqualTo(2);
        assertThat(features.getSum1h()).isEqualTo(50.0);
        assertThat(features.getCount24h()).isEqualTo(2);
        assertThat(features.getDistinctCountries24h()).isEqualTo(1);
        assertThat(features.getHistoryCount()).isEqualTo(1);
        assertThat(features.getSecondsSincePrevious()).isEqualTo(300);
        assertThat(features.getCountryChanged()).isFalse();

        // and the next one in order sees all four
        risk.publish(next("50", T0.plus(Duration.ofHours(3)), "FR", "d2", "m"));
        RiskFeatures next = lastDecision().getFeatures();
        assertThat(next.getCount24h()).isEqualTo(5);
        assertThat(next.getHistoryCount()).isEqualTo(4);
    }

    @Test
    void keepsAccountsApart() {
        risk.publish(next("10", T0, "DE", "d", "m"));
        TransactionSubmitted other = tx(TENANT, "acct-2", "other-1", "10", T0.plusSeconds(1), "FR", "d", "m");
        risk.publish(other);

        RiskDecision decision = lastDecision();
        assertThat(decision.getAccountId()).isEqualTo("acct-2");
        assertThat(decision.getFeatures().getCount1m()).isEqualTo(1);
        assertThat(decision.getFeatures().getSecondsSincePrevious()).isEqualTo(-1);
    }

    @Test
    void decidesARepublishedTransactionOnlyOnce() {
        // given
        TransactionSubmitted tx = next("10", T0, "DE", "d", "m");
        risk.publish(tx);

        // when the app publishes it again (a producer retry, a replay)
        risk.publish(tx);
        risk.publish(next("10", T0.plusSeconds(30), "DE", "d", "m"));

        // then
        List<RiskDecision> decided = risk.decisions.readValuesToList();
        assertThat(decided).extracting(RiskDecision::getTransactionId)
                .containsExactly(tx.getTransactionId(), "tx-2");
        assertThat(decided.get(1).getFeatures().getCount1m()).isEqualTo(2); // the duplicate did not count
    }

    @Test
    void keepsTheAccountStateInAChangeloggedStore() {
        risk.publish(next("10", T0, "DE", "d", "m"));

        assertThat(risk.driver.producedTopicNames()).contains(RiskTopologyFixture.APPLICATION_ID + "-"
                + RiskTopology.ACCOUNTS_STORE + "-changelog");
        assertThat(risk.driver.getKeyValueStore(RiskTopology.ACCOUNTS_STORE).get(KEY)).isNotNull();
    }

    @Test
    void scoresATenantWithItsOwnRulesInsteadOfTheDefault() {
        // given
        publishRuleSet(version(3, "strict_amount", "sum1m >= 100", 95.0), null);

        // when
        risk.publish(next("150", T0, "DE", "d", "m"));
        TransactionSubmitted otherTenant = tx("t2", ACCOUNT, "x-1", "150", T0, "DE", "d", "m");
        risk.publish(otherTenant);

        // then
        List<RiskDecision> decided = risk.decisions.readValuesToList();
        assertThat(decided.get(0).getRuleSetVersion()).isEqualTo(3);
        assertThat(decided.get(0).getVerdict()).isEqualTo(RiskVerdict.DECLINE);
        assertThat(decided.get(0).getReasons()).containsExactly(new RiskReason("strict_amount", "a test rule", 95.0));
        assertThat(decided.get(1).getRuleSetVersion()).isEqualTo(DefaultRiskRules.VERSION);
        assertThat(decided.get(1).getVerdict()).isEqualTo(RiskVerdict.APPROVE);
    }

    @Test
    void returnsToTheDefaultRulesWhenATenantsRuleSetIsDeleted() {
        publishRuleSet(version(3, "strict_amount", "sum1m >= 100", 95.0), null);
        risk.ruleSets.pipeInput(TENANT, null);

        risk.publish(next("150", T0, "DE", "d", "m"));

        assertThat(lastDecision().getRuleSetVersion()).isEqualTo(DefaultRiskRules.VERSION);
    }

    @Test
    void writesAShadowVersionsDecisionBesideTheEnforcedOne() {
        // given
        publishRuleSet(version(3, "big", "sum1m >= 1000", 95.0), version(4, "medium", "sum1m >= 100", 60.0));

        // when
        TransactionSubmitted tx = next("150", T0, "DE", "d", "m");
        risk.publish(tx);

        // then
        RiskDecision enforced = lastDecision();
        assertThat(enforced.getRuleSetVersion()).isEqualTo(3);
        assertThat(enforced.getVerdict()).isEqualTo(RiskVerdict.APPROVE);
        TestRecord<String, RiskDecision> shadow = risk.shadowDecisions.readRecord();
        assertThat(shadow.key()).isEqualTo(KEY);
        assertThat(shadow.value().getRuleSetVersion()).isEqualTo(4);
        assertThat(shadow.value().getVerdict()).isEqualTo(RiskVerdict.REVIEW);
        assertThat(shadow.value().getFeatures()).isEqualTo(enforced.getFeatures());
        assertThat(FleetHeaders.get(shadow.headers(), FleetHeaders.EVENT_ID)).contains(
                OutputHeaders.eventId("risk-shadow-decision/4/" + TENANT + "/" + tx.getTransactionId()));
        assertThat(risk.shadowDecisions.isEmpty()).isTrue();
    }

    @Test
    void deadLettersATransactionThatFailsTheChecksAndScoresTheNextOne() {
        // given
        TransactionSubmitted negative = TransactionSubmitted.newBuilder(next("1", T0, "DE", "d", "m"))
                .setAmount(new Money("-5.00", "EUR")).setCountry("Germany").build();
        byte[] bytes = risk.serde.serialize(FleetTopics.TRANSACTIONS.name(), negative);
        RecordHeaders headers = new RecordHeaders();
        headers.add(FleetHeaders.EVENT_ID, "app-event-1".getBytes(StandardCharsets.UTF_8));

        // when
        risk.rawTransactions.pipeInput(new TestRecord<>(KEY, bytes, headers, T0));
        risk.publish(next("10", T0.plusSeconds(1), "DE", "d", "m"));

        // then
        TestRecord<byte[], byte[]> dead = risk.deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(bytes);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(KEY);
        assertThat(FleetHeaders.get(dead.headers(), FleetHeaders.EVENT_ID)).contains("app-event-1");
        assertThat(FleetHeaders.get(dead.headers(), KafkaHeaders.DLT_ORIGINAL_TOPIC))
                .contains(FleetTopics.TRANSACTIONS.name());
        assertThat(FleetHeaders.get(dead.headers(), FleetHeaders.ERROR).orElseThrow())
                .contains("amount: must be positive, not -5.00").contains("country: must be an ISO 3166-1");
        RiskDecision next = lastDecision();
        assertThat(next.getTransactionId()).isEqualTo("tx-2");
        assertThat(next.getFeatures().getCount1m()).isEqualTo(1);
    }

    @Test
    void deadLettersARecordThatDoesNotDecode() {
        byte[] garbage = "not a transaction".getBytes(StandardCharsets.UTF_8);

        risk.rawTransactions.pipeInput(KEY, garbage, T0);
        risk.rawTransactions.pipeInput(KEY, null, T0);
        risk.publish(next("10", T0.plusSeconds(1), "DE", "d", "m"));

        List<TestRecord<byte[], byte[]>> dead = risk.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(FleetHeaders.get(dead.get(0).headers(), FleetHeaders.ERROR).orElseThrow())
                .contains("SerializationException").contains(FleetTopics.TRANSACTIONS.name());
        assertThat(FleetHeaders.get(dead.get(1).headers(), FleetHeaders.ERROR).orElseThrow())
                .contains("without a value");
        assertThat(lastDecision().getTransactionId()).isEqualTo("tx-1");
    }

    @Test
    void deadLettersATransactionNotKeyedByItsAccount() {
        TransactionSubmitted tx = next("10", T0, "DE", "d", "m");

        risk.transactions.pipeInput("acct-1", tx, T0);

        assertThat(risk.decisions.isEmpty()).isTrue();
        assertThat(FleetHeaders.get(risk.deadLetters.readRecord().headers(), FleetHeaders.ERROR).orElseThrow())
                .contains("must be keyed tenantId/accountId, 't1/acct-1', not 'acct-1'");
    }

    private TransactionSubmitted next(String amount, Instant at, String country, String device, String merchant) {
        return tx(TENANT, ACCOUNT, "tx-" + (++ids), amount, at, country, device, merchant);
    }

    private RiskDecision lastDecision() {
        List<RiskDecision> decided = risk.decisions.readValuesToList();
        assertThat(decided).isNotEmpty();
        return decided.get(decided.size() - 1);
    }

    private void publishRuleSet(RiskRuleSetVersion active, RiskRuleSetVersion shadow) {
        risk.ruleSets.pipeInput(TENANT, new RiskRuleSet(TENANT, active, shadow, T0));
    }

    private static RiskRuleSetVersion version(int version, String rule, String condition, double score) {
        return new RiskRuleSetVersion(version, List.of(new RiskRule(rule, condition, score, "a test rule")), 50.0,
                90.0, T0.plusSeconds(version));
    }
}
