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
            if (broken == null && !follows(row)) {
                broken = new ChainVerification.Broken(row.eventId(),
                        Objects.requireNonNullElse(row.chainPosition(), -1L));
            }
            position = Objects.requireNonNullElse(row.chainPosition(), position + 1);
            hash = row.hash() == null ? new byte[0] : row.hash();
            return this;
        }

        private boolean follows(AuditedEvent row) {
            return row.chainPosition() != null && row.chainPosition() == position + 1
                    && Arrays.equals(row.previousHash(), hash)
                    && Arrays.equals(row.hash(), ChainHead.link(hash, CanonicalEvent.of(row)));
        }
    }
}
