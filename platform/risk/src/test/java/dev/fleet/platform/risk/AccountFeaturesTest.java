package dev.fleet.platform.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.TransactionSubmitted;

class AccountFeaturesTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final RiskFeatureSettings SETTINGS = RiskFeatureSettings.DEFAULT;

    private AccountState state = AccountState.EMPTY;
    private int ids;

    @Test
    void aFirstTransactionCountsOnlyItself() {
        RiskFeatures first = score("12.50", T0, "DE", "d1", "grocer");

        assertThat(first).isEqualTo(new RiskFeatures(1, 12.5, 1, 12.5, 1, 12.5, 1, 1, 0.0, 0L, true, -1L, false,
                false));
    }

    @Test
    void windowsEndAtTheTransactionAndLeaveOutOneExactlyAWindowEarlier() {
        // given transactions exactly 24 h, 1 h and 1 min before the last, and one just inside the minute
        score("1", T0, "DE", "d1", "m");
        score("10", T0.plus(Duration.ofHours(23)), "DE", "d1", "m");
        score("100", T0.plus(Duration.ofHours(24)).minus(Duration.ofMinutes(1)), "DE", "d1", "m");
        score("1000", T0.plus(Duration.ofHours(24)).minusSeconds(59), "DE", "d1", "m");

        // when
        RiskFeatures last = score("10000", T0.plus(Duration.ofHours(24)), "DE", "d1", "m");

        // then
        assertThat(last.getCount1m()).isEqualTo(2);
        assertThat(last.getSum1m()).isEqualTo(11_000.0);
        assertThat(last.getCount1h()).isEqualTo(3);
        assertThat(last.getSum1h()).isEqualTo(11_100.0);
        assertThat(last.getCount24h()).isEqualTo(4);
        assertThat(last.getSum24h()).isEqualTo(11_110.0);
        assertThat(last.getSecondsSincePrevious()).isEqualTo(59);
    }

    @Test
    void aTransactionJustInsideAWindowCountsInIt() {
        score("5", T0, "DE", "d1", "m");

        RiskFeatures next = score("7", T0.plus(Duration.ofHours(24)).minusMillis(1), "DE", "d1", "m");

        assertThat(next.getCount24h()).isEqualTo(2);
        assertThat(next.getCount1h()).isEqualTo(1);
    }

    @Test
    void countsDistinctDevicesAndCountriesOfTheLastDay() {
        score("1", T0, "FR", "d0", "m");
        score("1", T0.plus(Duration.ofHours(2)), "DE", "d1", "m");
        score("1", T0.plus(Duration.ofHours(3)), "DE", null, "m");
        score("1", T0.plus(Duration.ofHours(4)), "AT", "d2", "m");

        RiskFeatures last = score("1", T0.plus(Duration.ofHours(24)), "DE", "d1", "m");

        assertThat(last.getDistinctDevices24h()).isEqualTo(2); // d1, d2; d0 is a day old
        assertThat(last.getDistinctCountries24h()).isEqualTo(2); // DE, AT
    }

    @Test
    void zScoreIsZeroUntilTwoEarlierTransactionsThenMeasuresAgainstThem() {
        assertThat(score("10", T0, "DE", "d", "m").getAmountZScore()).isZero();
        RiskFeatures second = score("20", T0.plusSeconds(60), "DE", "d", "m");
        assertThat(second.getAmountZScore()).isZero();
        assertThat(second.getHistoryCount()).isEqualTo(1);

        RiskFeatures third = score("30", T0.plusSeconds(120), "DE", "d", "m");

        // mean 15, sample standard deviation 7.07
        assertThat(third.getHistoryCount()).isEqualTo(2);
        assertThat(third.getAmountZScore()).isCloseTo(15 / Math.sqrt(50), within(1e-9));
    }

    @Test
    void anAccountThatAlwaysPaidTheSameStillScoresAJump() {
        for (int i = 0; i < 5; i++) {
            score("10", T0.plusSeconds(3600L * i), "DE", "d", "m");
        }

        RiskFeatures jump = score("1000", T0.plus(Duration.ofDays(1)), "DE", "d", "m");

        assertThat(jump.getAmountZScore()).isCloseTo(990.0, within(1e-6)); // spread floored at 1.0
    }

    @Test
    void anOutOfOrderTransactionSeesOnlyWhatCameBeforeItByEventTime() {
        // given
        score("10", T0, "DE", "d1", "m1");
        score("20", T0.plusSeconds(600), "DE", "d1", "m1");
        score("5000", T0.plusSeconds(1200), "FR", "d2", "m2");

        // when one that occurred between the first two arrives last
        RiskFeatures late = score("30", T0.plusSeconds(300), "DE", "d1", "m1");

        // then
        assertThat(late.getCount1h()).isEqualTo(2);
        assertThat(late.getSum1h()).isEqualTo(40.0);
        assertThat(late.getDistinctCountries24h()).isEqualTo(1);
        assertThat(late.getDistinctDevices24h()).isEqualTo(1);
        assertThat(late.getHistoryCount()).isEqualTo(1);
        assertThat(late.getAmountZScore()).isZero();
        assertThat(late.getSecondsSincePrevious()).isEqualTo(300);
        assertThat(late.getCountryChanged()).isFalse();

        // and the state holds all four in event-time order
        assertThat(state.recent()).extracting(AccountState.Seen::amount).containsExactly(10.0, 30.0, 20.0, 5000.0);
        assertThat(state.count()).isEqualTo(4);
        assertThat(state.mean()).isCloseTo(5060.0 / 4, within(1e-9));
        assertThat(state.latestCountry()).isEqualTo("FR");
    }

    @Test
    void takesLaterTransactionsOutOfTheHistoryOfAnEarlierOne() {
        score("10", T0, "DE", "d", "m");
        score("20", T0.plusSeconds(10), "DE", "d", "m");
        score("30", T0.plusSeconds(20), "DE", "d", "m");
        score("9999", T0.plusSeconds(40), "DE", "d", "m");

        RiskFeatures late = score("40", T0.plusSeconds(30), "DE", "d", "m");

        // measured against 10, 20, 30 only: mean 20, standard deviation 10
        assertThat(late.getHistoryCount()).isEqualTo(3);
        assertThat(late.getAmountZScore()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void knowsTheTimeSinceThePreviousTransactionBeyondTheDay() {
        score("10", T0, "DE", "d", "m");

        RiskFeatures next = score("10", T0.plus(Duration.ofDays(3)), "FR", "d", "m");

        assertThat(next.getCount24h()).isEqualTo(1);
        assertThat(next.getSecondsSincePrevious()).isEqualTo(Duration.ofDays(3).toSeconds());
        assertThat(next.getCountryChanged()).isTrue();
        assertThat(next.getImpossibleTravel()).isFalse();
        assertThat(state.recent()).hasSize(1);
    }

    @Test
    void flagsACountryChangeFasterThanTheMinimumTravelTime() {
        score("10", T0, "DE", "d", "m");

        RiskFeatures fast = score("10", T0.plus(Duration.ofMinutes(59)), "FR", "d", "m");
        RiskFeatures slowEnough = score("10", T0.plus(Duration.ofMinutes(119)), "IT", "d", "m");
        RiskFeatures same = score("10", T0.plus(Duration.ofMinutes(120)), "IT", "d", "m");

        assertThat(fast.getCountryChanged()).isTrue();
        assertThat(fast.getImpossibleTravel()).isTrue();
        assertThat(slowEnough.getCountryChanged()).isTrue();
        assertThat(slowEnough.getImpossibleTravel()).isFalse(); // exactly the minimum travel time
        assertThat(same.getCountryChanged()).isFalse();
        assertThat(same.getImpossibleTravel()).isFalse();
    }

    @Test
    void usesTheConfiguredMinimumTravelTime() {
        RiskFeatureSettings strict = new RiskFeatureSettings(Duration.ofHours(3), 1_000, 5_000);
        state = AccountFeatures.next(state, tx("10", T0, "DE", "d", "m"), strict).state();

        RiskFeatures next = AccountFeatures.next(state, tx("10", T0.plus(Duration.ofHours(2)), "FR", "d", "m"),
                strict).features();

        assertThat(next.getImpossibleTravel()).isTrue();
    }

    @Test
    void remembersMerchantsUpToTheConfiguredMemory() {
        RiskFeatureSettings small = new RiskFeatureSettings(Duration.ofHours(1), 2, 5_000);
        for (String merchant : new String[] {"a", "b", "a", "c"}) {
            state = AccountFeatures.next(state, tx("1", T0, "DE", "d", merchant), small).state();
        }

        assertThat(state.merchants()).containsExactly("a", "c");
        assertThat(AccountFeatures.next(state, tx("1", T0, "DE", "d", "a"), small).features()
                .getFirstTimeAtMerchant()).isFalse();
        assertThat(AccountFeatures.next(state, tx("1", T0, "DE", "d", "b"), small).features()
                .getFirstTimeAtMerchant()).isTrue();
    }

    @Test
    void keepsAtMostTheConfiguredNumberOfTransactions() {
        RiskFeatureSettings small = new RiskFeatureSettings(Duration.ofHours(1), 1_000, 3);
        for (int i = 0; i < 5; i++) {
            state = AccountFeatures.next(state, tx("1", T0.plusSeconds(i), "DE", "d", "m"), small).state();
        }

        assertThat(state.recent()).extracting(AccountState.Seen::at)
                .containsExactly(T0.plusSeconds(2).toEpochMilli(), T0.plusSeconds(3).toEpochMilli(),
                        T0.plusSeconds(4).toEpochMilli());
        assertThat(state.count()).isEqualTo(5);
    }

    @Test
    void remembersTransactionIdsOfTheLastDay() {
        score("1", T0, "DE", "d", "m");

        assertThat(state.remembers("tx-1")).isTrue();
        assertThat(state.remembers("tx-2")).isFalse();
        score("1", T0.plus(Duration.ofDays(2)), "DE", "d", "m");
        assertThat(state.remembers("tx-1")).isFalse();
    }

    @Test
    void theStateSurvivesItsBytes() {
        score("12.5", T0, "DE", "d1", "grocer");
        score("99", T0.plusSeconds(30), "FR", null, "café ☕");

        assertThat(AccountStateCodec.decode(AccountStateCodec.encode(state))).isEqualTo(state);
        assertThat(AccountStateCodec.decode(AccountStateCodec.encode(AccountState.EMPTY)))
                .isEqualTo(AccountState.EMPTY);
    }

    @Test
    void refusesBytesOfAnUnknownFormat() {
        byte[] bytes = AccountStateCodec.encode(AccountState.EMPTY);
        bytes[0] = 9;

        assertThatThrownBy(() -> AccountStateCodec.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format 9");
        assertThatThrownBy(() -> AccountStateCodec.decode(new byte[] {1, 0})).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("truncated or corrupt");
    }

    private RiskFeatures score(String amount, Instant at, String country, String device, String merchant) {
        AccountFeatures.Step step = AccountFeatures.next(state, tx(amount, at, country, device, merchant), SETTINGS);
        state = step.state();
        return step.features();
    }

    private TransactionSubmitted tx(String amount, Instant at, String country, String device, String merchant) {
        return new TransactionSubmitted("t1", "tx-" + (++ids), "acct-1", new Money(amount, "EUR"), merchant, "5411",
                country, device, "card_present", at, Map.of());
    }
}
