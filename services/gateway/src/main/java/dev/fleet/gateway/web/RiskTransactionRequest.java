package dev.fleet.gateway.web;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.fleet.events.v1.Money;
import dev.fleet.events.v1.TransactionSubmitted;
import dev.fleet.platform.web.ApiErrorException;

/**
 * The body of {@code POST /v1/risk/transactions}. Only the JSON shape is checked here — the amount
 * is a decimal <em>string</em> (a JSON number is refused: a double cannot hold every amount), the
 * time RFC 3339, {@code wait} a boolean; what makes a transaction valid is
 * {@link dev.fleet.platform.risk.TransactionChecks}' to say, in the domain.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RiskTransactionRequest(
        @JsonProperty("transaction_id") String transactionId,
        @JsonProperty("account_id") String accountId,
        JsonNode amount,
        String currency,
        String merchant,
        @JsonProperty("merchant_category") String merchantCategory,
        String country,
        @JsonProperty("device_id") String deviceId,
        String channel,
        @JsonProperty("occurred_at") JsonNode occurredAt,
        Map<String, JsonNode> metadata,
        @JsonProperty("wait") JsonNode waitForDecision) {

    /**
     * The transaction of {@code tenantId} as the body describes it, not yet checked; the time is
     * {@code clock}'s now when the body has none.
     *
     * @throws ApiErrorException 400 when a field has the wrong JSON type or the time cannot be read
     */
    public TransactionSubmitted toTransaction(String tenantId, Clock clock) {
        return new TransactionSubmitted(tenantId, transactionId, accountId, new Money(amountText(), currency), merchant,
                merchantCategory, country, deviceId, channel, occurredAtOrNow(clock),
                RequestMetadata.TRANSACTION.toStrings(metadata, "metadata"));
    }

    /** True when the caller asked for the decision in the response. */
    public boolean waitsForDecision() {
        if (waitForDecision == null || waitForDecision.isNull()) {
            return false;
        }
        if (!waitForDecision.isBoolean()) {
            throw RequestMetadata.invalid("wait must be true or false", "wait");
        }
        return waitForDecision.booleanValue();
    }

    private String amountText() {
        if (amount == null || amount.isNull()) {
            return null;
        }
        if (amount.isNumber()) {
            throw RequestMetadata.invalid("amount must be a decimal string such as \"12.50\", not the JSON number "
                    + amount + " (a JSON number may lose digits)", "amount");
        }
        if (!amount.isTextual()) {
            throw RequestMetadata.invalid("amount must be a decimal string such as \"12.50\"", "amount");
        }
        return amount.textValue();
    }

    private Instant occurredAtOrNow(Clock clock) {
        if (occurredAt == null || occurredAt.isNull()) {
            return clock.instant();
        }
        if (!occurredAt.isTextual()) {
            throw RequestMetadata.invalid("occurred_at must be an RFC 3339 time such as 2026-12-01T10:15:30Z",
                    "occurred_at");
        }
        try {
            return OffsetDateTime.parse(occurredAt.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            throw RequestMetadata.invalid("occurred_at must be an RFC 3339 time such as 2026-12-01T10:15:30Z, not '"
                    + occurredAt.textValue() + "'", "occurred_at");
        }
    }
}
