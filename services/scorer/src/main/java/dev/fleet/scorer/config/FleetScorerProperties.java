package dev.fleet.scorer.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of the scorer ({@code fleet.scorer.*}); defaults live in {@code application.yml}.
 *
 * @param maxTopK         the most hits one search returns; a larger {@code topK} is capped to it
 * @param rebuildWait     how long a search of an item-vectors partition being rebuilt (just assigned)
 *                        waits for it before it is answered with a retryable error (the gateway's 503)
 * @param publishTimeout  how long a search waits for the broker to acknowledge its reply
 * @param profile         the per-user profiles recommendations for a user are made from (decision 0039)
 */
@Validated
@ConfigurationProperties("fleet.scorer")
public record FleetScorerProperties(
        @Min(1) @Max(10_000) int maxTopK,
        @NotNull Duration rebuildWait,
        @NotNull Duration publishTimeout,
        @Valid @NotNull Profile profile) {

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
