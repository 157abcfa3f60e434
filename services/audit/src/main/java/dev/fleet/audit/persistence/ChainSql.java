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

    static final String RECORDED = "SELECT event_id FROM audit.events WHERE event_id = ANY(CAST(:ids AS uuid[]))";

    static final String COPY = "COPY audit.events (" + BinaryCopyRows.COLUMNS + ") FROM STDIN (FORMAT binary)";

    private ChainSql() {
    }
}
