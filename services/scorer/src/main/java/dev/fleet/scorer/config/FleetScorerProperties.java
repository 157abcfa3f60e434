package dev.fleet.scorer.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import dev.fleet.platform.risk.RiskFeatureSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of the scorer ({@code fleet.scorer.*}); defaults live in {@code application.yml}.
 *
 * @param maxTopK         the most hits one search returns; a larger {@code topK} is capped to it
 * @param rebuildWait     how long a search of an item-vectors partition being rebuilt (just assigned)
 *                        waits for it before it is answered with a retryable error (the gateway's 503)
 * @param publishTimeout  how long a search waits for the broker to acknowledge its reply
 * @param risk            the transaction scoring ({@code fleet.scorer.risk.*})
 * @param profile         the per-user profiles recommendations for a user are made from (decision 0039)
 */
@Validated
@ConfigurationProperties("fleet.scorer")
public record FleetScorerProperties(
        @Min(1) @Max(10_000) int maxTopK,
        @NotNull Duration rebuildWait,
        @NotNull Duration publishTimeout,
        @NotNull @Valid Risk risk,
        @Valid @NotNull Profile profile) {

    /**
     * The risk scoring's Kafka Streams application and its features.
     *
     * @param applicationId         the Kafka Streams application id: the consumer group of all scorer replicas
     *                              and the prefix of the account-state changelog; change it only to run a second,
     *                              independent scoring (it would decide every transaction again)
     * @param stateDir              where the account states are kept locally ({@code FLEET_STATE_DIR}); blank: a
     *                              directory of this instance under {@code java.io.tmpdir}, restored from the
     *                              changelog at every start
     * @param commitInterval        Kafka Streams' {@code commit.interval.ms}: under exactly-once, decisions are
     *                              visible to read-committed consumers only after a commit, so this bounds the
     *                              added latency
     * @param minTravel             a change of country faster than this is impossible travel
     * @param merchantMemory        how many recently paid merchants each account remembers
     * @param maxWindowTransactions the most transactions of the last 24 hours kept per account
     */
    public record Risk(
            @NotBlank String applicationId,
            String stateDir,
            @NotNull Duration commitInterval,
            @NotNull Duration minTravel,
            @Min(1) int merchantMemory,
            @Min(1) int maxWindowTransactions) {

        public Risk {
            if (commitInterval != null && (commitInterval.toMillis() < 1 || commitInterval.toMillis() > 10_000)) {
                throw new IllegalArgumentException("fleet.scorer.risk.commit-interval must be between 1ms and 10s");
            }
            if (minTravel != null && minTravel.isNegative()) {
                throw new IllegalArgumentException("fleet.scorer.risk.min-travel must not be negative");
            }
        }

        /** The feature settings these stand for. */
        public RiskFeatureSettings features() {
            return new RiskFeatureSettings(minTravel, merchantMemory, maxWindowTransactions);
        }
    }

    /**
     * @param halfLife             an interaction's weight halves every half-life (taken at query time)
     * @param maxInteractions      the most recent interactions kept per user and collection
     * @param maxUsersPerPartition profiles kept per interactions partition; the least recently used go first
     */
    public record Profile(
            @NotNull Duration halfLife,
            @Min(1) @Max(10_000) int maxInteractions,
            @Min(1) int maxUsersPerPartition) {
    }
}
