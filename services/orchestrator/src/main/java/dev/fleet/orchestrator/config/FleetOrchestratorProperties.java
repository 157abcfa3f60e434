package dev.fleet.orchestrator.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.fleet.orchestrator.domain.ExtractiveProvider;
import dev.fleet.orchestrator.domain.risk.backtest.BacktestSettings;
import dev.fleet.platform.risk.RiskFeatureSettings;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * The orchestrator's settings ({@code fleet.orchestrator.*}), validated at start-up.
 *
 * @param openai     the OpenAI-compatible endpoint, if any
 * @param chat       how chat requests are consumed and answered
 * @param extractive the built-in extractive model
 * @param outbox     the outbox relay
 * @param conversations how conversation history is fitted into a model's context
 * @param webhooks   how quota webhooks are delivered
 * @param responses  how long stored Responses API responses are kept
 * @param risk       the compliance workflow of risk review cases
 * @param audit      how the audit log is asked of the audit service
 * @param console    the admin console's read models
 */
@Validated
@ConfigurationProperties("fleet.orchestrator")
public record FleetOrchestratorProperties(
        @Valid @NotNull @DefaultValue OpenAi openai,
        @Valid @NotNull @DefaultValue Chat chat,
        @Valid @NotNull @DefaultValue Extractive extractive,
        @Valid @NotNull @DefaultValue Outbox outbox,
        @Valid @NotNull @DefaultValue Conversations conversations,
        @Valid @NotNull @DefaultValue Webhooks webhooks,
        @Valid @NotNull @DefaultValue Responses responses,
        @Valid @NotNull @DefaultValue Risk risk,
        @Valid @NotNull @DefaultValue Audit audit,
        @Valid @NotNull @DefaultValue Console console) {

    /**
     * Queries of the audit service's log (decision 0041).
     *
     * @param queryTimeout longest wait for the audit service's answer ({@code FLEET_AUDIT_QUERY_TIMEOUT})
     */
    public record Audit(@DefaultValue("5s") @NotNull Duration queryTimeout) {

        @AssertTrue(message = "FLEET_AUDIT_QUERY_TIMEOUT must be positive")
        public boolean isQueryTimeoutPositive() {
            return queryTimeout == null || (!queryTimeout.isZero() && !queryTimeout.isNegative());
        }
    }

    /**
     * The admin console's read models ({@code FLEET_CONSOLE_*}, decision 0043).
     *
     * @param enabled             whether this replica mirrors the console's topics at all
     *                            ({@code FLEET_CONSOLE_ENABLED}; off: no console beans, no replay of the domain events)
     * @param usageRetention      how many days of usage per day are kept in memory ({@code FLEET_CONSOLE_USAGE_RETENTION})
     * @param experimentDedupeWindow how many recent domain event ids are remembered to drop redeliveries
     *                            ({@code FLEET_CONSOLE_EXPERIMENT_DEDUPE_WINDOW})
     */
    public record Console(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("400d") @NotNull Duration usageRetention,
            @DefaultValue("100000") @Min(1) int experimentDedupeWindow) {
    }

    /**
     * Risk review cases ({@code FLEET_RISK_*}, decision record 0036).
     *
     * @param fourEyesAmount     approving a transaction above this amount, in its own currency, takes two
     *                           distinct reviewers ({@code FLEET_RISK_FOUR_EYES_AMOUNT})
     * @param caseSla            how long a case may stay open before it is escalated ({@code FLEET_RISK_CASE_SLA})
     * @param escalationInterval how often open cases are checked against their SLA
     * @param writeTimeout       longest wait of the decision consumer for a case to be written
     * @param casesGroup         the decision consumer's group ({@code FLEET_RISK_CASES_GROUP}; read by its
     *                           {@code @KafkaListener}, here so that a blank value fails at start-up)
     * @param minTravel          backtests: {@code FLEET_RISK_MIN_TRAVEL}, as the scorer reads it
     * @param merchantMemory     backtests: {@code FLEET_RISK_MERCHANT_MEMORY}, as the scorer reads it
     * @param maxWindowTransactions backtests: {@code FLEET_RISK_MAX_WINDOW_TRANSACTIONS}, as the scorer reads it
     * @param backtest           how backtests run
     */
    public record Risk(
            @DefaultValue("1000") @NotNull @DecimalMin("0") java.math.BigDecimal fourEyesAmount,
            @DefaultValue("PT4H") @NotNull Duration caseSla,
            @DefaultValue("1m") @NotNull Duration escalationInterval,
            @DefaultValue("10s") @NotNull Duration writeTimeout,
            @DefaultValue("orchestrator-risk-cases") @NotBlank String casesGroup,
            @DefaultValue("1h") @NotNull Duration minTravel,
            @DefaultValue("1000") @Min(1) int merchantMemory,
            @DefaultValue("5000") @Min(1) int maxWindowTransactions,
            @DefaultValue @NotNull @Valid Backtest backtest) {

        /** The per-account feature settings, the same variables as the scorer's so a backtest computes what it does. */
        public RiskFeatureSettings features() {
            return new RiskFeatureSettings(minTravel, merchantMemory, maxWindowTransactions);
        }
    }

    /**
     * Risk backtests ({@code FLEET_RISK_BACKTEST_*}, decision 0036 addendum).
     *
     * @param warmUp      history replayed before the range, not decided (24 h covers every windowed feature)
     * @param lateArrival how long after the range records are still read, for transactions produced late
     * @param maxRange    the longest range
     * @param maxAccounts the most accounts one backtest holds in memory
     * @param maxRunning  backtests one replica runs at once
     */
    public record Backtest(
            @DefaultValue("24h") @NotNull Duration warmUp,
            @DefaultValue("1h") @NotNull Duration lateArrival,
            @DefaultValue("31d") @NotNull Duration maxRange,
            @DefaultValue("1000000") @Min(1) int maxAccounts,
            @DefaultValue("1") @Min(1) int maxRunning) {

        public BacktestSettings settings() {
            return new BacktestSettings(warmUp, lateArrival, maxRange, maxAccounts, maxRunning);
        }
    }

    /**
     * Stored responses of the Responses API ({@code FLEET_RESPONSES_*}).
     *
     * @param retention     how long a response is kept after its creation ({@code FLEET_RESPONSES_RETENTION})
     * @param purgeInterval how often responses past their retention are deleted
     * @param lookupTimeout longest wait of a lookup for the store and for the broker's acknowledgement, each
     */
    public record Responses(
            @DefaultValue("30d") @NotNull Duration retention,
            @DefaultValue("1h") @NotNull Duration purgeInterval,
            @DefaultValue("10s") @NotNull Duration lookupTimeout) {
    }

    /**
     * Quota webhook deliveries ({@code FLEET_WEBHOOK_*}).
     *
     * @param maxAttempts  POSTs per delivery before it is dead
     * @param backoff      pause after the first failed attempt, doubling after each further one
     * @param maxBackoff   longest pause between attempts
     * @param timeout      longest wait for a receiver's response
     * @param pollInterval how often due deliveries are looked for
     * @param batchSize    deliveries sent at once per round
     * @param writeTimeout longest wait of the event consumer for a delivery row to be written
     */
    public record Webhooks(
            @DefaultValue("8") @Min(1) @Max(100) int maxAttempts,
            @DefaultValue("5s") @NotNull Duration backoff,
            @DefaultValue("1h") @NotNull Duration maxBackoff,
            @DefaultValue("10s") @NotNull Duration timeout,
            @DefaultValue("1s") @NotNull Duration pollInterval,
            @DefaultValue("20") @Min(1) @Max(500) int batchSize,
            @DefaultValue("10s") @NotNull Duration writeTimeout) {

        @AssertTrue(message = "FLEET_WEBHOOK_MAX_BACKOFF must not be shorter than FLEET_WEBHOOK_BACKOFF")
        public boolean isBackoffOrdered() {
            return backoff == null || maxBackoff == null || maxBackoff.compareTo(backoff) >= 0;
        }
    }

    /**
     * Context budgets for conversation history ({@code FLEET_CONTEXT_*}).
     *
     * @param contextTokens      context window of a model not listed in {@code modelContextTokens}
     * @param modelContextTokens per-model context windows as {@code model=tokens} (comma-separated in
     *                           the environment), e.g. {@code gpt-4o=128000,llama3=8192}
     * @param replyReserveTokens tokens kept free for the answer when a request sets no {@code max_tokens}
     */
    public record Conversations(
            @DefaultValue("8192") @Min(256) int contextTokens,
            @DefaultValue List<String> modelContextTokens,
            @DefaultValue("1024") @Min(0) int replyReserveTokens) {

        public Conversations {
            modelContextTokens = modelContextTokens == null ? List.of()
                    : modelContextTokens.stream().map(String::trim).filter(m -> !m.isEmpty()).toList();
        }

        /** {@code modelContextTokens} as a map; {@link IllegalArgumentException} for an entry not {@code model=tokens}. */
        public java.util.Map<String, Integer> perModel() {
            java.util.Map<String, Integer> map = new java.util.LinkedHashMap<>();
            for (String entry : modelContextTokens) {
                int at = entry.lastIndexOf('=');
                try {
                    map.put(entry.substring(0, at).trim(), Integer.parseInt(entry.substring(at + 1).trim()));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("FLEET_MODEL_CONTEXT_TOKENS entry '" + entry
                            + "' is not model=tokens");
                }
            }
            return map;
        }

        @AssertTrue(message = "FLEET_MODEL_CONTEXT_TOKENS entries must be model=tokens")
        public boolean isModelContextTokensWellFormed() {
            try {
                perModel();
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    /**
     * An OpenAI-compatible chat endpoint ({@code FLEET_OPENAI_*}); without a base URL there is none.
     *
     * @param baseUrl              e.g. {@code https://api.openai.com} or {@code http://127.0.0.1:11434}; a
     *                             trailing {@code /v1} is accepted
     * @param apiKey               bearer token for the endpoint; blank sends none
     * @param models               model names served by the endpoint (comma-separated in the environment)
     * @param tokenTimeout         longest wait for the first token and between tokens
     * @param maxAttempts          attempts per request before the first token (1 = no retry)
     * @param retryBackoff         pause before the second attempt, doubling after each further one
     * @param failureRateThreshold failure percentage that opens the circuit breaker
     * @param minimumCalls         calls the breaker needs to see before it may open
     * @param slidingWindowCalls   calls the failure rate is computed over
     * @param openDuration         how long an open breaker refuses calls before probing again
     */
    public record OpenAi(
            String baseUrl,
            String apiKey,
            @DefaultValue List<String> models,
            @DefaultValue("30s") @NotNull Duration tokenTimeout,
            @DefaultValue("3") @Min(1) @Max(10) int maxAttempts,
            @DefaultValue("200ms") @NotNull Duration retryBackoff,
            @DefaultValue("50") @DecimalMin("1") @DecimalMax("100") float failureRateThreshold,
            @DefaultValue("10") @Min(1) int minimumCalls,
            @DefaultValue("20") @Min(1) int slidingWindowCalls,
            @DefaultValue("30s") @NotNull Duration openDuration) {

        public OpenAi {
            models = models == null ? List.of()
                    : models.stream().map(String::trim).filter(m -> !m.isEmpty()).distinct().toList();
        }

        public boolean enabled() {
            return baseUrl != null && !baseUrl.isBlank();
        }

        /** The base URL without a trailing slash or {@code /v1} (Spring AI appends {@code /v1/chat/completions}). */
        public String normalizedBaseUrl() {
            String url = baseUrl.trim();
            while (url.endsWith("/")) {
                url = url.substring(0, url.length() - 1);
            }
            return url.endsWith("/v1") ? url.substring(0, url.length() - 3) : url;
        }

        @AssertTrue(message = "FLEET_OPENAI_MODELS must name at least one model when FLEET_OPENAI_BASE_URL is set")
        public boolean isModelsGivenWhenEnabled() {
            return !enabled() || !models.isEmpty();
        }

        @AssertTrue(message = "'" + ExtractiveProvider.MODEL + "' is the built-in model and cannot be served by the OpenAI endpoint")
        public boolean isExtractiveNotShadowed() {
            return !models.contains(ExtractiveProvider.MODEL);
        }

        @Override
        public String toString() { // never print the API key
            return "OpenAi[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "<none>" : "<set>")
                    + ", models=" + models + ", tokenTimeout=" + tokenTimeout + ", maxAttempts=" + maxAttempts + "]";
        }
    }

    /**
     * @param concurrency          chat-request consumers per instance (each has many chats in flight)
     * @param timeout              deadline for answering, counted from the request's {@code requestedAt}; past
     *                             it the reply ends with a timeout error (an expired request never reaches a model)
     * @param chunkWords           words per reply chunk when an answer is cut up by the orchestrator (extractive)
     * @param maxInFlight          chats answered at once by one instance ({@code FLEET_CHAT_MAX_IN_FLIGHT})
     * @param maxInFlightPerTenant chats of one tenant answered at once by one instance
     *                             ({@code FLEET_CHAT_MAX_IN_FLIGHT_PER_TENANT})
     * @param maxQueued            fetched chats waiting for a slot before the instance stops fetching
     *                             ({@code FLEET_CHAT_MAX_QUEUED})
     */
    public record Chat(
            @DefaultValue("4") @Min(1) @Max(64) int concurrency,
            @DefaultValue("2m") @NotNull Duration timeout,
            @DefaultValue("1") @Min(1) int chunkWords,
            @DefaultValue("1000") @Min(1) @Max(100_000) int maxInFlight,
            @DefaultValue("250") @Min(1) @Max(100_000) int maxInFlightPerTenant,
            @DefaultValue("1000") @Min(1) @Max(100_000) int maxQueued) {
    }

    /**
     * @param defaultCollection collection searched when the request names none
     * @param topK              passages asked from the scorer
     * @param closeness         the runner-up passage is added when its score is within this of the best
     * @param searchTimeout     longest wait for the embedding-worker and the scorer, each
     */
    public record Extractive(
            @DefaultValue("default") @NotBlank String defaultCollection,
            @DefaultValue("3") @Min(1) @Max(20) int topK,
            @DefaultValue("0.05") @DecimalMin("0") double closeness,
            @DefaultValue("10s") @NotNull Duration searchTimeout) {
    }

    /**
     * @param relayInterval pause between relay rounds when the outbox is empty
     * @param batchSize     rows published per transaction
     * @param sendTimeout   longest wait for the broker to acknowledge a row
     * @param adminPublishTimeout longest an admin write waits for Kafka to acknowledge its tenant and key
     *                      records before it rolls back and answers 503 ({@code FLEET_ADMIN_PUBLISH_TIMEOUT})
     */
    public record Outbox(
            @DefaultValue("150ms") @NotNull Duration relayInterval,
            @DefaultValue("100") @Min(1) @Max(10_000) int batchSize,
            @DefaultValue("30s") @NotNull Duration sendTimeout,
            @DefaultValue("5s") @NotNull Duration adminPublishTimeout) {
    }
}
