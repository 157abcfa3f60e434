package dev.fleet.orchestrator.domain.risk.backtest;

import java.util.List;
import java.util.Map;

/**
 * What a candidate rule set would have changed over a time range of a tenant's transactions.
 *
 * @param baselineVersion the rule-set version in force that the candidate is compared with (0: default)
 * @param candidateVersion the candidate version
 * @param decided transactions in the range, each decided by both
 * @param changed how many of them the candidate decides differently
 * @param baseline decisions per verdict (approve, review, decline) of the baseline
 * @param candidate decisions per verdict of the candidate
 * @param transitions changed decisions by {@code before->after}, e.g. {@code approve->review}
 * @param examples the first changed decisions
 * @param invalid transactions skipped because they fail the transaction checks
 * @param duplicates transactions skipped because their id was seen on the account already
 * @param undecodable records of the topic that could not be decoded (skipped)
 * @param accounts accounts replayed (the range and its warm-up)
 */
public record BacktestReport(int baselineVersion, int candidateVersion, long decided, long changed,
        Map<String, Long> baseline, Map<String, Long> candidate, Map<String, Long> transitions,
        List<Change> examples, long invalid, long duplicates, long undecodable, long accounts) {

    /** One decision the candidate changes. */
    public record Change(String transactionId, String accountId, String baselineDecision, double baselineScore,
            String candidateDecision, double candidateScore) {
    }
}
