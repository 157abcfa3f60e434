package dev.fleet.orchestrator.console;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The console's settings ({@code fleet.console.*}, decision record 0044).
 *
 * @param idleTimeout      a session unused this long is signed out ({@code FLEET_CONSOLE_IDLE_TIMEOUT})
 * @param signInFailures   wrong tokens from one address before it must wait ({@code FLEET_CONSOLE_SIGN_IN_FAILURES})
 * @param signInLockout    the first wait; it doubles with every further wrong token
 *                         ({@code FLEET_CONSOLE_SIGN_IN_LOCKOUT})
 * @param signInLockoutMax the longest wait ({@code FLEET_CONSOLE_SIGN_IN_LOCKOUT_MAX})
 * @param services         the replicas the Fleet page probes: {@code name=url,...} ({@code FLEET_CONSOLE_SERVICES})
 * @param probeTimeout     how long the Fleet page waits for a replica or Kafka ({@code FLEET_CONSOLE_PROBE_TIMEOUT})
 */
@Validated
@ConfigurationProperties("fleet.console")
public record ConsoleProperties(
        @NotNull @DefaultValue("30m") Duration idleTimeout,
        @Min(1) @DefaultValue("5") int signInFailures,
        @NotNull @DefaultValue("30s") Duration signInLockout,
        @NotNull @DefaultValue("15m") Duration signInLockoutMax,
        @DefaultValue("") String services,
        @NotNull @DefaultValue("2s") Duration probeTimeout) {
}
