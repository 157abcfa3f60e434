package dev.fleet.platform.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.TransactionSubmitted;

class TransactionChecksTest {

    private static final TransactionSubmitted GOOD = new TransactionSubmitted("t1", "tx-1", "acct-1",
            new Money("12.50", "EUR"), "grocer", "5411", "DE", "device-1", "card_present",
            Instant.parse("2026-12-01T10:00:00Z"), Map.of());

    @Test
    void aGoodTransactionHasNoProblems() {
        assertThat(TransactionChecks.problems(GOOD)).isEmpty();
        assertThat(TransactionChecks.amount(GOOD)).isEqualByComparingTo("12.5");
    }

    @Test
    void namesEachBadField() {
        TransactionSubmitted bad = TransactionSubmitted.newBuilder(GOOD).setAccountId(" ")
                .setAmount(new Money("-3.00", "EURO")).setCountry("Germany").build();

        assertThat(TransactionChecks.problems(bad)).extracting(TransactionProblem::field)
                .containsExactlyInAnyOrder("accountId", "amount", "currency", "country");
    }

    @Test
    void refusesAnAmountThatIsNotANumberAndAnUnknownCurrency() {
        TransactionSubmitted bad = TransactionSubmitted.newBuilder(GOOD).setAmount(new Money("12,50", "XYZ")).build();

        assertThat(TransactionChecks.problems(bad)).extracting(TransactionProblem::toString)
                .containsExactly("amount: must be a decimal number such as 12.50, not '12,50'",
                        "currency: must be an ISO 4217 code in upper case, e.g. EUR, not 'XYZ'");
    }

    @Test
    void refusesAnAmountWhoseExponentPutsItOutOfRange() {
        for (String amount : new String[] {"1E+400", "1E-400"}) {
            TransactionSubmitted bad = TransactionSubmitted.newBuilder(GOOD).setAmount(new Money(amount, "EUR")).build();

            assertThat(TransactionChecks.problems(bad)).extracting(TransactionProblem::toString)
                    .containsExactly("amount: has more than 18 digits before or after the decimal point, was " + amount);
        }
        assertThat(TransactionChecks.problems(TransactionSubmitted.newBuilder(GOOD)
                .setAmount(new Money("1E+3", "EUR")).build())).isEmpty();
    }
}
