-- The chain-head trigger of V2, doing the same with less work per statement (decision 0031): each
-- tenant's first and last new position come from one hash aggregate instead of two sorts and a
-- count(DISTINCT) (a third sort), and the first row's prev_hash and the last row's hash are joined
-- back by (tenant, position), which the unique index events_tenant_chain_position makes one row each.
-- The rule is unchanged: the first new row of a tenant must sit at its head's position + 1 and carry
-- the head's hash as prev_hash, or the statement fails with serialization_failure; the head moves to
-- the tenant's last new row in the same statement.
CREATE OR REPLACE FUNCTION audit.move_chain_heads() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    tenants integer;
    moved   integer;
BEGIN
    WITH spans AS (
        SELECT tenant_id, min(chain_position) AS first_position, max(chain_position) AS last_position
        FROM new_rows GROUP BY tenant_id),
    ends AS (
        SELECT s.tenant_id, s.first_position, f.prev_hash, s.last_position, l.hash
        FROM spans s
        JOIN new_rows f ON f.tenant_id = s.tenant_id AND f.chain_position = s.first_position
        JOIN new_rows l ON l.tenant_id = s.tenant_id AND l.chain_position = s.last_position),
    updated AS (
        UPDATE audit.chain_heads h SET chain_position = e.last_position, hash = e.hash
        FROM ends e
        WHERE h.tenant_id = e.tenant_id AND h.chain_position = e.first_position - 1 AND h.hash = e.prev_hash
        RETURNING 1)
    SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM updated) INTO tenants, moved;
    IF moved <> tenants THEN
        RAISE EXCEPTION 'audit.events: rows of % tenant(s) do not continue their chain head', tenants - moved
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NULL;
END;
$$;
