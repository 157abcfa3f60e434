package dev.fleet.orchestrator.domain.risk.backtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.fleet.events.v1.RiskFeatures;
import dev.fleet.events.v1.RiskVerdict;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.risk.AccountFeatures;
import dev.fleet.platform.risk.AccountState;
import dev.fleet.platform.risk.CompiledRuleSet;
import dev.fleet.platform.risk.RiskEvaluation;
import dev.fleet.platform.risk.RiskFeatureSettings;
import dev.fleet.platform.risk.TransactionChecks;

/**
 * One backtest's replay: a tenant's transactions, in each account's order, through the same
 * per-account features as the live scorer ({@link AccountFeatures}), each decided by the baseline
 * (the rule set in force) and by the candidate. Transactions before {@code from} only build the
 * accounts' history (the warm-up); those in {@code [from, to)} are decided and counted. Its own
 * state, never the scorer's.
 */
public final class BacktestReplay {

    /** How many changed decisions a report lists as examples. */
    public static final int EXAMPLES = 20;

    private final String tenantId;
    private final Instant from;
    private final Instant to;
    private final CompiledRuleSet baseline;
    private final CompiledRuleSet candidate;
    private final RiskFeatureSettings settings;
    private final int maxAccounts;
    private final Map<String, AccountState> accounts = new HashMap<>();
    private final Map<RiskVerdict, Long> baselineVerdicts = new EnumMap<>(RiskVerdict.class);
    private final Map<RiskVerdict, Long> candidateVerdicts = new EnumMap<>(RiskVerdict.class);
    private final Map<String, Long> transitions = new TreeMap<>();
    private final List<BacktestReport.Change> examples = new ArrayList<>();
    private long decided;
    private long changed;
    private long invalid;
    private long duplicates;

    public BacktestReplay(String tenantId, Instant from, Instant to, CompiledRuleSet baseline,
            CompiledRuleSet candidate, RiskFeatureSettings settings, int maxAccounts) {
        this.tenantId = tenantId;
        this.from = from;
        this.to = to;
        this.baseline = baseline;
        this.candidate = candidate;
        this.settings = settings;
        this.maxAccounts = maxAccounts;
    }

    /**
     * Takes the next transaction of the topic (any tenant's; others are ignored).
     *
     * @throws BacktestTooLargeException when the tenant has more accounts than the replay may hold
     */
    public void accept(TransactionSubmitted tx) {
        if (!tenantId.equals(tx.getTenantId())) {
            return;
        }
        if (!TransactionChecks.problems(tx).isEmpty()) {
            invalid++;
            return;
        }
        AccountState state = accounts.get(tx.getAccountId());
        if (state == null) {
            if (accounts.size() >= maxAccounts) {
                throw new BacktestTooLargeException("the tenant has more than " + maxAccounts
                        + " accounts in the replayed range; narrow the range or raise FLEET_RISK_BACKTEST_MAX_ACCOUNTS");
            }
            state = AccountState.EMPTY;
        }
        if (state.remembers(tx.getTransactionId())) {
            duplicates++;
            return;
        }
        AccountFeatures.Step step = AccountFeatures.next(state, tx, settings);
        accounts.put(tx.getAccountId(), step.state());
        Instant at = tx.getOccurredAt();
        if (at.isBefore(from) || !at.isBefore(to)) {
            return;
        }
        decide(tx, step.features());
    }

    private void decide(TransactionSubmitted tx, RiskFeatures features) {
        RiskEvaluation before = baseline.decide(features);
        RiskEvaluation after = candidate.decide(features);
        decided++;
        baselineVerdicts.merge(before.verdict(), 1L, Long::sum);
        candidateVerdicts.merge(after.verdict(), 1L, Long::sum);
        if (before.verdict() != after.verdict()) {
            changed++;
            transitions.merge(name(before.verdict()) + "->" + name(after.verdict()), 1L, Long::sum);
            if (examples.size() < EXAMPLES) {
                examples.add(new BacktestReport.Change(tx.getTransactionId(), tx.getAccountId(),
                        name(before.verdict()), before.score(), name(after.verdict()), after.score()));
            }
        }
    }

    /** What the replay found, with the count of records the source could not decode. */
    public BacktestReport report(long undecodable) {
        return new BacktestReport(baseline.version().getVersion(), candidate.version().getVersion(), decided,
                changed, verdicts(baselineVerdicts), verdicts(candidateVerdicts), new TreeMap<>(transitions),
                List.copyOf(examples), invalid, duplicates, undecodable, accounts.size());
    }

    private static Map<String, Long> verdicts(Map<RiskVerdict, Long> counts) {
        Map<String, Long> named = new TreeMap<>();
        for (RiskVerdict verdict : RiskVerdict.values()) {
            named.put(name(verdict), counts.getOrDefault(verdict, 0L));
        }
        return named;
    }

    static String name(RiskVerdict verdict) {
        return verdict.name().toLowerCase(Locale.ROOT);
    }
}
