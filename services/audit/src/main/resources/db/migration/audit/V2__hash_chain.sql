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

-- The end of each tenant's chain; writers lock it (SELECT ... FOR UPDATE) to append, so one
-- tenant's chain never forks. A cache of the last row: verification walks the rows themselves.
CREATE TABLE audit.chain_heads (
    tenant_id      text   PRIMARY KEY,
    chain_position bigint NOT NULL DEFAULT 0,
    hash           bytea  NOT NULL DEFAULT decode(repeat('00', 32), 'hex')
);

COMMENT ON TABLE audit.chain_heads IS 'Last chain position and hash per tenant; the lock that serializes appends.';
