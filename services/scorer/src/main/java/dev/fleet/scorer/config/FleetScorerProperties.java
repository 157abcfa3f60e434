package dev.fleet.scorer.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of the scorer ({@code fleet.scorer.*}); defaults live in {@code application.yml}.
 *
 * @param maxTopK         the most hits one search returns; a larger {@code topK} is capped to it
 * @param catchUpTimeout  how long the first searches wait for the item vectors to be loaded at start-up
 *                        before they are answered from what is loaded so far
 * @param publishTimeout  how long a search waits for the broker to acknowledge its reply
 */
@Validated
@ConfigurationProperties("fleet.scorer")
public record FleetScorerProperties(
        @Min(1) @Max(10_000) int maxTopK,
        @NotNull Duration catchUpTimeout,
        @NotNull Duration publishTimeout) {
}
