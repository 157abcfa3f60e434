package dev.fleet.orchestrator.domain.risk;

import java.time.Duration;
import java.util.Set;

/**
 * Which of a tenant's cases to list and in which order.
 *
 * @param statuses the statuses wanted (not empty)
 * @param minScore only cases scored at least this, or {@code null}
 * @param minAge   only cases opened at least this long ago, or {@code null}
 * @param sort     oldest first ({@link Sort#AGE}) or highest score first ({@link Sort#SCORE})
 * @param limit    at most this many
 * @param offset   after skipping this many
 */
public record CaseQuery(Set<CaseStatus> statuses, Double minScore, Duration minAge, Sort sort, int limit,
        int offset) {

    /** The orders a list can have; ties are broken by the case id, so pages are stable. */
    public enum Sort {
        AGE, SCORE
    }

    public CaseQuery {
        statuses = Set.copyOf(statuses);
    }
}
