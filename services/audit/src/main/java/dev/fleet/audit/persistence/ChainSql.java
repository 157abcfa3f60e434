package dev.fleet.audit.persistence;

/** The statements of {@link R2dbcAuditLog}'s chained append: a batch costs the same few round trips however many rows it has. */
final class ChainSql {

    /**
     * Each tenant's chain head, created at position 0 when new, and locked: the no-op update of an
     * existing head takes its row lock like {@code SELECT ... FOR UPDATE}, in tenant order (no
     * deadlock), and answers its latest committed position and hash.
     */
    static final String LOCK_HEADS = """
            INSERT INTO audit.chain_heads AS h (tenant_id)
            SELECT t FROM unnest(CAST(:tenants AS text[])) AS t ORDER BY t
            ON CONFLICT (tenant_id) DO UPDATE SET chain_position = h.chain_position
            RETURNING h.tenant_id, h.chain_position, h.hash""";

    /**
     * Moves each tenant's head from the position this transaction locked to its last new row; the
     * table's trigger checks that the move follows the chain (decision 0054).
     */
    static final String MOVE_HEADS = """
            UPDATE audit.chain_heads h SET chain_position = m.to_position, hash = decode(m.to_hash, 'hex')
            FROM unnest(CAST(:tenants AS text[]), CAST(:fromPositions AS bigint[]), CAST(:toPositions AS bigint[]),
                        CAST(:toHashes AS text[])) AS m (tenant_id, from_position, to_position, to_hash)
            WHERE h.tenant_id = m.tenant_id AND h.chain_position = m.from_position""";

    static final String RECORDED = "SELECT event_id FROM audit.events WHERE event_id = ANY(CAST(:ids AS uuid[]))";

    static final String COPY = "COPY audit.events (" + BinaryCopyRows.COLUMNS + ") FROM STDIN (FORMAT binary)";

    private ChainSql() {
    }
}
