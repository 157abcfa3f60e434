package dev.fleet.gateway.config;

import java.time.Duration;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The gateway's settings ({@code fleet.gateway.*}), validated at start-up.
 *
 * @param chatModels       chat model ids offered besides {@code extractive} ({@code FLEET_OPENAI_MODELS}, comma-separated)
 * @param replyTimeout     longest wait for the next chat chunk before answering 504 ({@code FLEET_GATEWAY_REPLY_TIMEOUT})
 * @param knowledgeTimeout longest wait for an embedding or search reply ({@code FLEET_GATEWAY_KNOWLEDGE_TIMEOUT})
 * @param retryAfter       what a 503 tells clients to wait before retrying ({@code Retry-After}, whole seconds)
 * @param keyCatchUpTimeout longest an unknown key waits for the key and tenant mirrors to catch up with
 *                         their topics before it is refused ({@code FLEET_GATEWAY_KEY_CATCH_UP_TIMEOUT})
 * @param maxInFlight      {@code /v1} requests one replica works on at once (streams count until their last
 *                         event); beyond it 503 ({@code FLEET_GATEWAY_MAX_IN_FLIGHT})
 */
@Validated
@ConfigurationProperties("fleet.gateway")
public record FleetGatewayProperties(
        @DefaultValue("") List<String> chatModels,
        @NotNull @DurationMin(millis = 1) @DefaultValue("150s") Duration replyTimeout,
        @NotNull @DurationMin(millis = 1) @DefaultValue("30s") Duration knowledgeTimeout,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("5s") Duration retryAfter,
        @NotNull @DurationMin(millis = 1) @DefaultValue("2s") Duration keyCatchUpTimeout,
        @Min(1) @DefaultValue("512") int maxInFlight) {

    public FleetGatewayProperties {
        chatModels = chatModels == null ? List.of()
                : chatModels.stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    }
}
