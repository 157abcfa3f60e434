package dev.fleet.orchestrator.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.fleet.orchestrator.domain.ExtractiveProvider;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The named chat-model providers ({@code fleet.providers.<name>.*}; in the environment
 * {@code FLEET_PROVIDERS_<NAME>_<SETTING>}, e.g. {@code FLEET_PROVIDERS_LOCAL_KIND=ollama},
 * {@code FLEET_PROVIDERS_LOCAL_BASE_URL=http://127.0.0.1:11434}, {@code FLEET_PROVIDERS_LOCAL_MODELS=llama3.2}).
 * A provider without a base URL is an error, not a default endpoint. Kept apart from
 * {@link FleetOrchestratorProperties} only so that the environment names stay short; the
 * {@code FLEET_OPENAI_*} endpoint of earlier releases is the provider named {@code openai}.
 * Names are lower case (the environment's names are folded to lower case).
 */
@Validated
@ConfigurationProperties("fleet")
public record FleetProvidersProperties(@Valid @DefaultValue Map<String, Provider> providers) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public FleetProvidersProperties {
        providers = providers == null ? Map.of() : new LinkedHashMap<>(providers);
    }

    @AssertTrue(message = "provider names are lower-case letters, digits and dashes (fleet.providers.<name>)")
    public boolean isNamesWellFormed() {
        return providers.keySet().stream().allMatch(name -> NAME.matcher(name).matches());
    }

    /** The API a provider speaks. */
    public enum Kind {
        /** OpenAI's {@code /v1/chat/completions}: OpenAI, vLLM, llama.cpp server, Ollama's {@code /v1}. */
        OPENAI,
        /** Ollama's native {@code /api/chat}. */
        OLLAMA,
        /** Anthropic's {@code /v1/messages}. */
        ANTHROPIC,
        /** OpenAI's Responses API {@code /v1/responses}, for endpoints that serve it natively ({@code openai-responses}). */
        OPENAI_RESPONSES
    }

    /**
     * One provider endpoint and how it is guarded.
     *
     * @param kind                 the API it speaks
     * @param baseUrl              its root, e.g. {@code https://api.openai.com}, {@code http://127.0.0.1:11434},
     *                             {@code https://api.anthropic.com}; a trailing {@code /v1} is accepted
     * @param apiKey               bearer token ({@code x-api-key} for Anthropic); blank sends none
     * @param models               the model names it serves (comma-separated in the environment)
     * @param ttftTimeout          longest wait for the first token of an attempt
     * @param tokenTimeout         longest wait between two tokens
     * @param totalTimeout         longest an attempt may stream in all
     * @param maxAttempts          attempts before the first token (1 = no retry); only retryable failures repeat
     * @param retryBackoff         pause before the second attempt, doubling after each further one
     * @param failureRateThreshold failure percentage that opens the provider's circuit breaker
     * @param minimumCalls         calls the breaker needs to see before it may open
     * @param slidingWindowCalls   calls the failure rate is computed over
     * @param openDuration         how long an open breaker refuses calls before probing again
     * @param maxTokens            answer length asked for when the client sets none (Anthropic requires one)
     */
    public record Provider(
            @NotNull Kind kind,
            String baseUrl,
            String apiKey,
            @DefaultValue List<String> models,
            @DefaultValue("30s") @NotNull Duration ttftTimeout,
            @DefaultValue("30s") @NotNull Duration tokenTimeout,
            @DefaultValue("2m") @NotNull Duration totalTimeout,
            @DefaultValue("3") @Min(1) @Max(10) int maxAttempts,
            @DefaultValue("200ms") @NotNull Duration retryBackoff,
            @DefaultValue("50") @DecimalMin("1") @DecimalMax("100") float failureRateThreshold,
            @DefaultValue("10") @Min(1) int minimumCalls,
            @DefaultValue("20") @Min(1) int slidingWindowCalls,
            @DefaultValue("30s") @NotNull Duration openDuration,
            @DefaultValue("4096") @Min(1) int maxTokens) {

        public Provider {
            models = models == null ? List.of()
                    : models.stream().map(String::trim).filter(m -> !m.isEmpty()).distinct().toList();
        }

        /** The base URL without a trailing slash or {@code /v1} (the clients append their API's path). */
        public String normalizedBaseUrl() {
            String url = baseUrl.trim();
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            return url.endsWith("/v1") ? url.substring(0, url.length() - 3) : url;
        }

        @AssertTrue(message = "a provider needs a base-url (FLEET_PROVIDERS_<NAME>_BASE_URL); there is no default endpoint")
        public boolean isBaseUrlGiven() {
            return baseUrl != null && !baseUrl.isBlank();
        }

        @AssertTrue(message = "a provider must name at least one model (FLEET_PROVIDERS_<NAME>_MODELS)")
        public boolean isModelsGiven() {
            return !models.isEmpty();
        }

        @AssertTrue(message = "'" + ExtractiveProvider.MODEL + "' is the built-in model and cannot be served by a provider")
        public boolean isExtractiveNotShadowed() {
            return !models.contains(ExtractiveProvider.MODEL);
        }

        @Override
        public String toString() { // never print the API key
            return "Provider[kind=" + kind + ", baseUrl=" + baseUrl + ", apiKey="
                    + (apiKey == null || apiKey.isBlank() ? "<none>" : "<set>") + ", models=" + models
                    + ", ttftTimeout=" + ttftTimeout + ", tokenTimeout=" + tokenTimeout + ", totalTimeout="
                    + totalTimeout + ", maxAttempts=" + maxAttempts + "]";
        }
    }
}
