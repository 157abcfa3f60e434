package dev.fleet.audit.persistence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.fleet.audit.domain.ChainHead;
import dev.fleet.audit.domain.ChainedEntry;

/**
 * The statements of {@link R2dbcAuditLog}'s chained append, and the JSON document that carries a
 * batch's new chain heads in one parameter ({@code jsonb_to_recordset}), so a batch costs the
 * same few round trips however many rows it has.
 */
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

    static final String MOVE_HEADS = """
            UPDATE audit.chain_heads h SET chain_position = r.chain_position, hash = decode(r.hash, 'hex')
            FROM jsonb_to_recordset(CAST(:heads AS jsonb)) AS r(tenant_id text, chain_position bigint, hash text)
            WHERE h.tenant_id = r.tenant_id""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChainSql() {
    }

    /** Each tenant's new head: its last row of the batch. */
    static String headsJson(List<ChainedEntry> rows) {
        Map<String, ChainedEntry> last = new LinkedHashMap<>();
        rows.forEach(row -> last.put(row.entry().tenantId(), row));
        ArrayNode array = JSON.createArrayNode();
        last.forEach((tenant, row) -> array.addObject().put("tenant_id", tenant)
                .put("chain_position", row.position()).put("hash", ChainHead.hex(row.hash())));
        return write(array);
    }

    private static String write(ArrayNode array) {
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a batch as JSON", e);
        }
    }
}
