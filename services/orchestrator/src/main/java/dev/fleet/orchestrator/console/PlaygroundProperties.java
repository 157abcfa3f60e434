package dev.fleet.orchestrator.console;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * The prompt playground's settings ({@code fleet.console.playground.*}).
 *
 * @param gatewayUrl where the playground sends a chat completion as the tenant: the gateway's base URL
 *                   ({@code FLEET_CONSOLE_GATEWAY_URL}); {@code /v1/chat/completions} is appended
 * @param timeout    how long the playground waits for the gateway's answer ({@code FLEET_CONSOLE_PLAYGROUND_TIMEOUT})
 */
@Validated
@ConfigurationProperties("fleet.console.playground")
public record PlaygroundProperties(
        @NotNull @DefaultValue("http://127.0.0.1:8080") URI gatewayUrl,
        @NotNull @DefaultValue("60s") Duration timeout) {
}
