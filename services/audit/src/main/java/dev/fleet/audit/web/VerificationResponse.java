package dev.fleet.audit.web;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.fleet.audit.domain.ChainVerification;

/** The body of {@code GET /audit/verify}. */
@JsonInclude(JsonInclude.Include.ALWAYS)
record VerificationResponse(
        @JsonProperty("tenant") String tenant,
        @JsonProperty("rows") long rows,
        @JsonProperty("valid") boolean valid,
        @JsonProperty("first_broken") Broken firstBroken,
        @JsonProperty("head_hash") String headHash) {

    record Broken(@JsonProperty("event_id") UUID eventId, @JsonProperty("position") long position,
            @JsonProperty("reason") String reason) {
    }

    static VerificationResponse of(ChainVerification v) {
        return new VerificationResponse(v.tenant(), v.rows(), v.valid(),
                v.firstBroken() == null ? null : new Broken(v.firstBroken().eventId(), v.firstBroken().position(),
                        v.firstBroken().reason()),
                v.headHash());
    }
}
