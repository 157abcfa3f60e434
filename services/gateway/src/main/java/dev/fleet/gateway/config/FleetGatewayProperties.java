package dev.fleet.gateway.config;

import java.time.Duration;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The gateway's settings ({@code fleet.gateway.*}), validated at start-up.
 *
 * @param chatModels          chat model ids offered besides {@code extractive} ({@code FLEET_OPENAI_MODELS}, comma-separated)
 * @param replyTimeout        longest wait for the next chat chunk before answering 504 ({@code FLEET_GATEWAY_REPLY_TIMEOUT})
 * @param knowledgeTimeout    longest wait for an embedding or search reply ({@code FLEET_GATEWAY_KNOWLEDGE_TIMEOUT})
 * @param retryAfter          what a 503 tells clients to wait before retrying ({@code Retry-After}, whole seconds)
 * @param keyCatchUpTimeout   longest an unknown key waits for the key and tenant mirrors to catch up with
 *                            their topics before it is refused ({@code FLEET_GATEWAY_KEY_CATCH_UP_TIMEOUT})
 * @param maxInFlight         {@code /v1} requests one replica works on at once (streams count until their last
 *                            event); beyond it 503 ({@code FLEET_GATEWAY_MAX_IN_FLIGHT})
 * @param maxBodySize         largest request body accepted; larger is 413 ({@code FLEET_GATEWAY_MAX_BODY_SIZE})
 * @param maxRecordBytes      largest request record published: the smaller of the request topics'
 *                            {@code max.message.bytes} and the producer's {@code max.request.size}; a request
 *                            whose record would be larger is 400 ({@code FLEET_GATEWAY_MAX_RECORD_BYTES})
 * @param maxCompletionTokens largest {@code max_tokens} accepted ({@code FLEET_GATEWAY_MAX_COMPLETION_TOKENS})
 * @param maxItemChars        longest item text, embedding input or search query ({@code FLEET_GATEWAY_MAX_ITEM_CHARS})
 * @param usageRetention      how far back {@code GET /v1/usage} can see; older rollups are not kept in memory
 *                            ({@code FLEET_GATEWAY_USAGE_RETENTION})
 * @param rateLimits          how the replicas share rate limits ({@link RateLimits})
 * @param risk                {@code POST /v1/risk/transactions} ({@link Risk})
 */
@Validated
@ConfigurationProperties("fleet.gateway")
public record FleetGatewayProperties(
        @DefaultValue("") List<String> chatModels,
        @NotNull @DurationMin(millis = 1) @DefaultValue("150s") Duration replyTimeout,
        @NotNull @DurationMin(millis = 1) @DefaultValue("30s") Duration knowledgeTimeout,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("5s") Duration retryAfter,
        @NotNull @DurationMin(millis = 1) @DefaultValue("2s") Duration keyCatchUpTimeout,
        @Min(1) @DefaultValue("512") int maxInFlight,
        @NotNull @DefaultValue("2MB") DataSize maxBodySize,
        @Min(4096) @DefaultValue("1048576") int maxRecordBytes,
        @Min(1) @DefaultValue("262144") int maxCompletionTokens,
        @Min(1) @DefaultValue("32768") int maxItemChars,
        @NotNull @DurationMin(hours = 1) @DefaultValue("7d") Duration usageRetention,
        @NotNull @Valid @DefaultValue RateLimits rateLimits,
        @NotNull @Valid @DefaultValue Risk risk) {

    /**
     * Transactions submitted over HTTP (decision 0037).
     *
     * @param waitTimeout longest a {@code "wait": true} request waits for its decision once the transaction is
     *                    published; then 202 {@code pending} ({@code FLEET_GATEWAY_RISK_WAIT_TIMEOUT})
     * @param maxWaits    transactions one replica waits for at once; beyond, a waiting request answers
     *                    {@code pending} at once ({@code FLEET_GATEWAY_RISK_MAX_WAITS})
     */
    public record Risk(
            @NotNull @DurationMin(millis = 1) @DefaultValue("PT2S") Duration waitTimeout,
            @Min(1) @DefaultValue("10000") int maxWaits) {

        /** A wait its request never released (it should not happen) is dropped after this. */
        public Duration staleAfter() {
            return waitTimeout.multipliedBy(2).plusSeconds(30);
        }
    }

    /**
     * Rate limits: every replica takes part in owning the budgets (a Kafka Streams application) and
     * spends leases of capacity granted by their owners.
     *
     * @param claimTimeout   longest wait for an owner's grant before answering 503 ({@code FLEET_GATEWAY_RATELIMIT_CLAIM_TIMEOUT})
     * @param prefetch       how much of its recent demand a replica asks for ahead ({@code FLEET_GATEWAY_RATELIMIT_PREFETCH})
     * @param maxWaiters     requests that may wait for a grant per budget and replica; beyond, 503 ({@code FLEET_GATEWAY_RATELIMIT_MAX_WAITERS})
     * @param commitInterval the owners' commit interval: grants become visible at each commit ({@code FLEET_GATEWAY_RATELIMIT_COMMIT_INTERVAL})
     * @param stateDir       where the owners keep their budget stores; blank: a temporary directory per instance ({@code FLEET_STATE_DIR})
     * @param refusalReportInterval how often refused requests are counted into the audit log ({@code FLEET_GATEWAY_REFUSAL_REPORT_INTERVAL})
     * @param sessionTimeout how soon a replica that died loses its budgets to the others ({@code FLEET_GATEWAY_RATELIMIT_SESSION_TIMEOUT})
     */
    public record RateLimits(
            @NotNull @DurationMin(millis = 1) @DefaultValue("5s") Duration claimTimeout,
            @NotNull @DefaultValue("250ms") Duration prefetch,
            @Min(1) @DefaultValue("10000") int maxWaiters,
            @NotNull @DurationMin(millis = 1) @DefaultValue("20ms") Duration commitInterval,
            @DefaultValue("") String stateDir,
            @NotNull @DurationMin(millis = 100) @DefaultValue("10s") Duration refusalReportInterval,
            @NotNull @DurationMin(seconds = 1) @DefaultValue("10s") Duration sessionTimeout) {
    }

    public FleetGatewayProperties {
        chatModels = chatModels == null ? List.of()
                : chatModels.stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (maxBodySize != null && (maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("fleet.gateway.max-body-size must be between 1KB and 2GB");
        }
    }
}
