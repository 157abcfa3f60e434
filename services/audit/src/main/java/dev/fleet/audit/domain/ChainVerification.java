package dev.fleet.audit.domain;

import java.util.UUID;

/**
 * The result of walking one tenant's hash chain: how many rows were walked, whether every row
 * links to the one before it, and the first row that does not (null when the chain is intact).
 * {@code headHash} is the hash of the last row walked (hex): an auditor who keeps it can later
 * prove that nothing before it was rewritten.
 */
public record ChainVerification(String tenant, long rows, boolean valid, Broken firstBroken, String headHash) {

    /**
     * The first row whose position, previous hash or hash does not follow from the rows before it, and
     * which of the three it is ({@code reason}, for a person to read).
     */
    public record Broken(UUID eventId, long position, String reason) {
    }
}
