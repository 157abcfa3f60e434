package dev.fleet.orchestrator.domain.console;

/**
 * One arm's results so far. The rates and means are null while the arm has no outcome.
 *
 * @param assignments       users assigned to the arm ({@code ExperimentAssigned}: one per user, first request)
 * @param outcomes          requests the arm served ({@code ExperimentOutcome})
 * @param successes         of those, requests answered completely
 * @param successRate       successes / outcomes, 0..1
 * @param latencyP50Millis  median latency, arrival at the gateway to last chunk (nearest rank; exact below
 *                          64 ms, within about 3 % above)
 * @param latencyMeanMillis mean latency
 * @param promptTokensMean     mean prompt tokens per request
 * @param completionTokensMean mean completion tokens per request
 * @param tokensMean           mean prompt plus completion tokens per request
 */
public record ArmResult(String arm, long assignments, long outcomes, long successes, Double successRate,
        Long latencyP50Millis, Double latencyMeanMillis, Double promptTokensMean, Double completionTokensMean,
        Double tokensMean) {
}
