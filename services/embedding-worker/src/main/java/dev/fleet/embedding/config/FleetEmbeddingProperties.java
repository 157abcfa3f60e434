package dev.fleet.embedding.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Settings of the embedding-worker ({@code fleet.embedding.*}); defaults live in {@code application.yml}.
 * <p>
 * One poll batch is embedded as one micro-batch (grouped by length over the inference threads), so a
 * batch holds at most {@code batchSize × maxInputsPerRequest} texts: keep that well within what the
 * model embeds in the consumer's {@code max.poll.interval.ms} (5 minutes by default; ~300 short
 * texts/s on 2 cores).
 *
 * @param batchSize           records per poll ({@code max.poll.records}) of the micro-batching listeners
 * @param maxInputsPerRequest inputs one embedding request may carry; more is an {@code invalid_request}
 * @param inferenceThreads    threads running the model; 0 = one per available processor
 * @param groupSize           most texts of similar length in one model call of a micro-batch
 * @param publishTimeout      how long a batch waits for the broker to acknowledge its outputs
 * @param modelVersion        the model version carried on every item vector; blank = the version of
 *                            the Maven artifact that ships the model (read from its jar)
 * @param reindexProgressInterval how often a running reindex job publishes its progress (at most)
 */
@Validated
@ConfigurationProperties("fleet.embedding")
public record FleetEmbeddingProperties(
        @Min(1) @Max(1024) int batchSize,
        @Min(1) int maxInputsPerRequest,
        @Min(0) int inferenceThreads,
        @Min(1) int groupSize,
        @NotNull Duration publishTimeout,
        String modelVersion,
        @NotNull Duration reindexProgressInterval) {

    /** The inference thread count with 0 resolved to the processor count. */
    public int effectiveInferenceThreads() {
        return inferenceThreads > 0 ? inferenceThreads : Runtime.getRuntime().availableProcessors();
    }
}
