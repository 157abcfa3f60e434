package dev.fleet.audit.persistence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.fleet.audit.domain.ChainHead;
import dev.fleet.audit.domain.ChainedEntry;

/**
 * The statements of {@link R2dbcAuditLog}'s chained append, and the JSON documents that carry a
 * whole batch in one parameter ({@code jsonb_to_recordset}), so a batch costs five round trips
 * however many rows it has.
 */
final class ChainSql {

    static final String ENSURE_HEADS = """
            INSERT INTO audit.chain_heads (tenant_id)
            SELECT unnest(CAST(:tenants AS text[]))
            ON CONFLICT (tenant_id) DO NOTHING""";

    static final String LOCK_HEADS = """
            SELECT tenant_id, chain_position, hash FROM audit.chain_heads
            WHERE tenant_id = ANY(CAST(:tenants AS text[]))
            ORDER BY tenant_id
            FOR UPDATE""";

    static final String RECORDED = "SELECT event_id FROM audit.events WHERE event_id = ANY(CAST(:ids AS uuid[]))";

    static final String INSERT = """
            INSERT INTO audit.events (event_id, tenant_id, type, occurred_at, actor, subject, produced_by, payload,
                                      chain_position, prev_hash, hash)
            SELECT r.event_id, r.tenant_id, r.type, r.occurred_at, r.actor, r.subject, r.produced_by, r.payload,
                   r.chain_position, decode(r.prev_hash, 'hex'), decode(r.hash, 'hex')
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(event_id uuid, tenant_id text, type text,
                 occurred_at timestamptz, actor text, subject text, produced_by text, payload jsonb,
                 chain_position bigint, prev_hash text, hash text)""";

    static final String MOVE_HEADS = """
            UPDATE audit.chain_heads h SET chain_position = r.chain_position, hash = decode(r.hash, 'hex')
            FROM jsonb_to_recordset(CAST(:heads AS jsonb)) AS r(tenant_id text, chain_position bigint, hash text)
            WHERE h.tenant_id = r.tenant_id""";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChainSql() {
    }

    /** The rows to insert, in order. */
    static String rowsJson(List<ChainedEntry> rows) {
        ArrayNode array = JSON.createArrayNode();
        for (ChainedEntry row : rows) {
            ObjectNode o = array.addObject();
            o.put("event_id", row.entry().eventId().toString());
            o.put("tenant_id", row.entry().tenantId());
            o.put("type", row.entry().type().typeName());
            o.put("occurred_at", row.entry().occurredAt().toString());
            o.put("actor", row.entry().actor());
            o.put("subject", row.entry().subject());
            o.put("produced_by", row.entry().producedBy());
            o.putRawValue("payload", new com.fasterxml.jackson.databind.util.RawValue(row.entry().payloadJson()));
            o.put("chain_position", row.position());
            o.put("prev_hash", ChainHead.hex(row.previousHash()));
            o.put("hash", ChainHead.hex(row.hash()));
        }
        return write(array);
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
