package dev.fleet.audit.domain;

import java.util.Arrays;
import java.util.Objects;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Walks one tenant's chain in position order, recomputing each row's hash from the previous row's
 * hash and the row's own columns ({@link CanonicalEvent}): a row is broken when its position is
 * not the next one (a row before it was deleted or inserted), its stored previous hash is not
 * the previous row's hash, or its stored hash is not what its columns give (the row was changed).
 * Streams the rows, keeping only the running head, so a long chain needs constant memory.
 */
public final class ChainVerifier {

    private ChainVerifier() {
    }

    /** Verifies {@code rows}: the tenant's chained rows, in position order. */
    public static Mono<ChainVerification> verify(String tenant, Flux<AuditedEvent> rows) {
        return rows.reduce(new Walk(), Walk::step)
                .map(walk -> new ChainVerification(tenant, walk.rows, walk.broken == null, walk.broken,
                        walk.rows == 0 ? null : ChainHead.hex(walk.hash)));
    }

    private static final class Walk {
        private long rows;
        private long position;
        private byte[] hash = ChainHead.GENESIS.hash();
        private ChainVerification.Broken broken;

        Walk step(AuditedEvent row) {
            rows++;
            String reason = broken == null ? breach(row) : null;
            if (reason != null) {
                broken = new ChainVerification.Broken(row.eventId(),
                        Objects.requireNonNullElse(row.chainPosition(), -1L), reason);
            }
            position = Objects.requireNonNullElse(row.chainPosition(), position + 1);
            hash = row.hash() == null ? new byte[0] : row.hash();
            return this;
        }

        /** Why {@code row} does not follow the rows before it, or null when it does. */
        private String breach(AuditedEvent row) {
            if (row.chainPosition() == null || row.chainPosition() != position + 1) {
                return "position " + row.chainPosition() + " is not the next one (" + (position + 1)
                        + "): a row before it was deleted or inserted";
            }
            if (!Arrays.equals(row.previousHash(), hash)) {
                return "its previous hash is not the hash of the row before it";
            }
            if (!Arrays.equals(row.hash(), ChainHead.link(hash, CanonicalEvent.of(row)))) {
                return "its hash is not what its columns give: the row was changed";
            }
            return null;
        }
    }
}
