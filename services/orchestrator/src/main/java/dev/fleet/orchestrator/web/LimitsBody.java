package dev.fleet.orchestrator.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.orchestrator.domain.KeyRateLimits;
import dev.fleet.orchestrator.domain.LimitOverrides;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * Limits in the admin API: {@code {"rpm": N, "tpm": N, "monthly_tokens": N, "max_items": N,
 * "max_stored_bytes": N, "max_item_bytes": N}}. A field left out keeps the plan's limit (for a key: none of
 * its own); {@code 0} means no limit. The monthly quota and the item limits are a tenant's only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LimitsBody(
        @PositiveOrZero @Max(Integer.MAX_VALUE) Integer rpm,
        @PositiveOrZero Long tpm,
        @JsonProperty("monthly_tokens") @PositiveOrZero Long monthlyTokens,
        @JsonProperty("max_items") @PositiveOrZero Long maxItems,
        @JsonProperty("max_stored_bytes") @PositiveOrZero Long maxStoredBytes,
        @JsonProperty("max_item_bytes") @PositiveOrZero Long maxItemBytes) {

    /** A key's own rate limits as the API shows them. */
    static LimitsBody ofKey(Integer rpm, Long tpm) {
        return new LimitsBody(rpm, tpm, null, null, null, null);
    }

    LimitOverrides toOverrides() {
        return new LimitOverrides(rpm, tpm, monthlyTokens, maxItems, maxStoredBytes, maxItemBytes);
    }

    /**
     * A key's limits; a monthly quota and item limits are a tenant's only.
     *
     * @throws IllegalArgumentException naming the first tenant-only field given
     */
    KeyRateLimits toKeyLimits() {
        String tenantOnly = monthlyTokens != null ? "monthly_tokens" : maxItems != null ? "max_items"
                : maxStoredBytes != null ? "max_stored_bytes" : maxItemBytes != null ? "max_item_bytes" : null;
        if (tenantOnly != null) {
            throw new TenantOnlyLimitException(tenantOnly);
        }
        return new KeyRateLimits(rpm, tpm);
    }

    /** A tenant's limit given for a key; {@link #field()} names it. */
    static final class TenantOnlyLimitException extends IllegalArgumentException {

        private final String field;

        TenantOnlyLimitException(String field) {
            super(field + " is a tenant's limit; a key may have rpm and tpm");
            this.field = field;
        }

        String field() {
            return field;
        }
    }
}
