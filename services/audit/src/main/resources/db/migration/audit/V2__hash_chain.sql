-- A hash chain per tenant (decision 0020). Each new row stores its place in its tenant's chain,
-- the previous row's hash and SHA-256(previous hash || canonical event bytes); the chains start
-- here: rows recorded before this migration keep NULLs and are not part of any chain.
ALTER TABLE audit.events
    ADD COLUMN chain_position bigint,
    ADD COLUMN prev_hash      bytea,
    ADD COLUMN hash           bytea;

-- every row from now on is chained (NOT VALID: the rows before this migration are exempt)
ALTER TABLE audit.events ADD CONSTRAINT events_chained
    CHECK (chain_position IS NOT NULL AND prev_hash IS NOT NULL AND hash IS NOT NULL) NOT VALID;

-- one row per place in a chain: two writers of one tenant cannot both append at the same place
CREATE UNIQUE INDEX events_tenant_chain_position ON audit.events (tenant_id, chain_position);

COMMENT ON COLUMN audit.events.chain_position IS 'Place in the tenant''s hash chain, from 1; NULL before chaining began.';
COMMENT ON COLUMN audit.events.prev_hash IS 'hash of the tenant''s row at chain_position - 1 (32 zero bytes for the first).';
COMMENT ON COLUMN audit.events.hash IS 'SHA-256(prev_hash || canonical JSON of the row''s columns).';

-- The end of each tenant's chain; writers lock it to append, so one tenant's chain never forks,
-- and the trigger below moves it. A cache of the last row: verification walks the rows themselves.
CREATE TABLE audit.chain_heads (
    tenant_id      text   PRIMARY KEY,
    chain_position bigint NOT NULL DEFAULT 0,
    hash           bytea  NOT NULL DEFAULT decode(repeat('00', 32), 'hex')
);

COMMENT ON TABLE audit.chain_heads IS 'Last chain position and hash per tenant; the lock that serializes appends.';

-- Every insert continues its tenants' chains from their heads and moves the heads, in the same
-- statement (a statement-level trigger, so a batch COPY moves each head once): the first new row
-- of a tenant must sit at head position + 1 and carry the head's hash as prev_hash, or the insert
-- fails with serialization_failure (a writer with a stale view of the head retries after locking
-- it). Rows inserted without chain columns are refused by events_chained; a tenant needs its head
-- row first (writers create it).
CREATE FUNCTION audit.move_chain_heads() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    tenants integer;
    moved   integer;
BEGIN
    SELECT count(DISTINCT tenant_id) INTO tenants FROM new_rows;
    WITH firsts AS (
        SELECT DISTINCT ON (tenant_id) tenant_id, chain_position, prev_hash
        FROM new_rows ORDER BY tenant_id, chain_position),
    lasts AS (
        SELECT DISTINCT ON (tenant_id) tenant_id, chain_position, hash
        FROM new_rows ORDER BY tenant_id, chain_position DESC),
    updated AS (
        UPDATE audit.chain_heads h SET chain_position = l.chain_position, hash = l.hash
        FROM firsts f JOIN lasts l USING (tenant_id)
        WHERE h.tenant_id = f.tenant_id AND h.chain_position = f.chain_position - 1 AND h.hash = f.prev_hash
        RETURNING 1)
    SELECT count(*) INTO moved FROM updated;
    IF moved <> tenants THEN
        RAISE EXCEPTION 'audit.events: rows of % tenant(s) do not continue their chain head', tenants - moved
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_move_chain_heads
    AFTER INSERT ON audit.events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit.move_chain_heads();
