package dev.fleet.orchestrator.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.orchestrator.domain.KeyRateLimits;
import dev.fleet.orchestrator.domain.LimitOverrides;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * Limits in the admin API: {@code {"rpm": N, "tpm": N, "monthly_tokens": N}}. A field left out keeps
 * the plan's limit (for a key: none of its own); {@code 0} means no limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LimitsBody(
        @PositiveOrZero @Max(Integer.MAX_VALUE) Integer rpm,
        @PositiveOrZero Long tpm,
        @JsonProperty("monthly_tokens") @PositiveOrZero Long monthlyTokens) {

    LimitOverrides toOverrides() {
        return new LimitOverrides(rpm, tpm, monthlyTokens);
    }

    /** A key's limits; a monthly quota is a tenant's only. */
    KeyRateLimits toKeyLimits() {
        if (monthlyTokens != null) {
            throw new IllegalArgumentException("monthly_tokens is a tenant's limit; a key may have rpm and tpm");
        }
        return new KeyRateLimits(rpm, tpm);
    }
}
