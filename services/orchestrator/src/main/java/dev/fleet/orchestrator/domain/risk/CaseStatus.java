package dev.fleet.orchestrator.domain.risk;

import java.util.Locale;
import java.util.Optional;

/** Where a review case is: open, escalated (past its SLA, still open for a decision) or decided. */
public enum CaseStatus {
    OPEN, ESCALATED, DECIDED;

    /** The name in the API and the database. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CaseStatus> parse(String label) {
        for (CaseStatus status : values()) {
            if (status.label().equals(label)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
