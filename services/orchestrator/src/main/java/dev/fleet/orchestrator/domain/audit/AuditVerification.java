package dev.fleet.orchestrator.domain.audit;

import java.util.Optional;
import java.util.UUID;

/**
 * The result of walking a tenant's audit hash chain: whether every row links to the one before it,
 * how many rows were walked, the first row that does not and why ({@code firstBroken}, empty when
 * the chain is intact), and the hash of the last row walked ({@code headHash}, hex; null for an empty chain).
 */
public record AuditVerification(boolean ok, long entriesChecked, Optional<Broken> firstBroken, String headHash) {

    /** The first row that does not follow from the rows before it: its chain position (-1: none), event id and why. */
    public record Broken(long position, UUID eventId, String reason) {
    }
}
