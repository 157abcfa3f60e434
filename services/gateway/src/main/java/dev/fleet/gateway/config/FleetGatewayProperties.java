package dev.fleet.gateway.config;

import java.time.Duration;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The gateway's settings ({@code fleet.gateway.*}), validated at start-up.
 *
 * @param chatModels          chat model ids offered besides {@code extractive} ({@code FLEET_OPENAI_MODELS}, comma-separated)
 * @param replyTimeout        longest wait for the next chat chunk before answering 504 ({@code FLEET_GATEWAY_REPLY_TIMEOUT})
 * @param knowledgeTimeout    longest wait for an embedding or search reply ({@code FLEET_GATEWAY_KNOWLEDGE_TIMEOUT})
 * @param retryAfter          what a 503 tells clients to wait before retrying ({@code Retry-After}, whole seconds)
 * @param maxBodySize         largest request body accepted; larger is 413 ({@code FLEET_GATEWAY_MAX_BODY_SIZE})
 * @param maxRecordBytes      largest request record published: the smaller of the request topics'
 *                            {@code max.message.bytes} and the producer's {@code max.request.size}; a request
 *                            whose record would be larger is 400 ({@code FLEET_GATEWAY_MAX_RECORD_BYTES})
 * @param maxCompletionTokens largest {@code max_tokens} accepted ({@code FLEET_GATEWAY_MAX_COMPLETION_TOKENS})
 * @param maxItemChars        longest item text, embedding input or search query ({@code FLEET_GATEWAY_MAX_ITEM_CHARS})
 * @param usageRetention      how far back {@code GET /v1/usage} can see; older rollups are not kept in memory
 *                            ({@code FLEET_GATEWAY_USAGE_RETENTION})
 */
@Validated
@ConfigurationProperties("fleet.gateway")
public record FleetGatewayProperties(
        @DefaultValue("") List<String> chatModels,
        @NotNull @DurationMin(millis = 1) @DefaultValue("150s") Duration replyTimeout,
        @NotNull @DurationMin(millis = 1) @DefaultValue("30s") Duration knowledgeTimeout,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("5s") Duration retryAfter,
        @NotNull @DefaultValue("2MB") DataSize maxBodySize,
        @Min(4096) @DefaultValue("1048576") int maxRecordBytes,
        @Min(1) @DefaultValue("262144") int maxCompletionTokens,
        @Min(1) @DefaultValue("32768") int maxItemChars,
        @NotNull @DurationMin(hours = 1) @DefaultValue("7d") Duration usageRetention) {

    public FleetGatewayProperties {
        chatModels = chatModels == null ? List.of()
                : chatModels.stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (maxBodySize != null && (maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("fleet.gateway.max-body-size must be between 1KB and 2GB");
        }
    }
}
