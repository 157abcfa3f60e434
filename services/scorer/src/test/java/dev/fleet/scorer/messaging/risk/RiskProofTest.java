package dev.fleet.scorer.messaging.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fleet.events.v1.RiskDecision;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.test.SyntheticTransactions;

/**
 * The proof through the topology: 2,000 synthetic transactions of 100 accounts with a burst across
 * countries and amounts far above history injected; the default rules flag every injected fraud
 * transaction and at most 1 % of the others.
 */
class RiskProofTest {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path stateDir;

    @Test
    void flagsEveryInjectedFraudTransactionAndAtMostOnePercentOfTheNormalOnes() {
        // given
        List<SyntheticTransactions.Labelled> week = new SyntheticTransactions(20261201L, "proof-tenant", START)
                .generate(100, 2_000, List.of(7, 42), List.of(13, 58, 91));
        assertThat(week).hasSize(2_000);
        assertThat(week.stream().map(l -> l.tx().getAccountId()).distinct()).hasSize(100);

        // when
        List<RiskDecision> decisions;
        // (account states in memory: the driver commits, so RocksDB flushes to disk, after each of the 2,000 records)
        try (RiskTopologyFixture risk = new RiskTopologyFixture(stateDir, RiskFeatureSettings.DEFAULT, START,
                Stores.inMemoryKeyValueStore(RiskTopology.ACCOUNTS_STORE))) {
            week.forEach(labelled -> risk.publish(labelled.tx()));
            decisions = risk.decisions.readValuesToList();
        }

        // then exactly one decision per transaction
        assertThat(decisions).hasSize(2_000);
        Map<String, RiskDecision> byTransaction = decisions.stream()
                .collect(Collectors.toMap(RiskDecision::getTransactionId, Function.identity()));
        assertThat(byTransaction).hasSize(2_000);

        List<RiskDecision> fraud = decided(week, byTransaction, SyntheticTransactions.Kind.FRAUD);
        List<RiskDecision> normal = decided(week, byTransaction, SyntheticTransactions.Kind.NORMAL);
        assertThat(fraud).hasSize(2 * 3 + 3);
        assertThat(fraud).allSatisfy(decision -> assertThat(decision.getVerdict())
                .as("%s of %s (%s)", decision.getTransactionId(), decision.getAccountId(), decision.getReasons())
                .isIn(RiskVerdict.REVIEW, RiskVerdict.DECLINE));
        long falsePositives = normal.stream().filter(d -> d.getVerdict() != RiskVerdict.APPROVE).count();
        assertThat(falsePositives).as("normal transactions flagged").isLessThanOrEqualTo(normal.size() / 100);
    }

    private static List<RiskDecision> decided(List<SyntheticTransactions.Labelled> week,
            Map<String, RiskDecision> byTransaction, SyntheticTransactions.Kind kind) {
        return week.stream().filter(l -> l.kind() == kind).map(l -> byTransaction.get(l.tx().getTransactionId()))
                .toList();
    }
}
