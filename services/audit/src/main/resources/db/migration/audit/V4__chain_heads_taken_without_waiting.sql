-- The chain-head trigger of V3, taking its tenants' head rows without waiting (decision 0054). A
-- writer appending on the heads it remembers runs its COPY without locking them first: its rows are
-- in the unique (tenant_id, chain_position) index before this trigger reaches the heads. Had it
-- waited here for a writer that locked those heads first, and that writer waited in the index for
-- its rows, the two would deadlock until PostgreSQL's deadlock_timeout. Instead it gives up at once
-- (lock_not_available) and appends again on locked heads. A writer that locked the heads already
-- holds them, so for it nothing changes; the rule itself is V3's.
CREATE OR REPLACE FUNCTION audit.move_chain_heads() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    tenants integer;
    moved   integer;
BEGIN
    PERFORM 1 FROM audit.chain_heads WHERE tenant_id IN (SELECT tenant_id FROM new_rows) FOR UPDATE NOWAIT;
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
