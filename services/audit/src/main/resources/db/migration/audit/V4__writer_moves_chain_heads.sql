-- The writer moves the chain heads itself (decision 0054): the statement-level trigger of V2/V3 made
-- PostgreSQL copy every inserted row into a transition table, about a seventh of a COPY's work, to
-- find each tenant's first and last new row, which the writer already knows. The writer now updates
-- its locked heads after the COPY, in the same transaction, and the database checks each move instead
-- of each insert: a head may only move forward, from a row whose successor carries the head's hash as
-- prev_hash, to a row that exists with the new hash. The unique (tenant_id, chain_position) index
-- still refuses a second row at one place, so a chain cannot fork; a row inserted behind the writer's
-- back is no longer refused at once (a forger can compute SHA-256 as well as the trigger could check
-- it), and /audit/verify names it, as it always did, since verification never trusted the heads.
DROP TRIGGER events_move_chain_heads ON audit.events;
DROP FUNCTION audit.move_chain_heads();

CREATE FUNCTION audit.check_chain_head_move() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tenant_id <> OLD.tenant_id
            OR NEW.chain_position <= OLD.chain_position
            OR NOT EXISTS (SELECT 1 FROM audit.events WHERE tenant_id = OLD.tenant_id
                           AND chain_position = OLD.chain_position + 1 AND prev_hash = OLD.hash)
            OR NOT EXISTS (SELECT 1 FROM audit.events WHERE tenant_id = NEW.tenant_id
                           AND chain_position = NEW.chain_position AND hash = NEW.hash) THEN
        RAISE EXCEPTION 'audit.chain_heads: the head of % may only move forward along its chain', OLD.tenant_id
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NEW;
END;
$$;

-- the writers' lock (an upsert whose update changes nothing) does not call it
CREATE TRIGGER chain_heads_move_along_the_chain
    BEFORE UPDATE ON audit.chain_heads
    FOR EACH ROW
    WHEN (NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.chain_position IS DISTINCT FROM OLD.chain_position
          OR NEW.hash IS DISTINCT FROM OLD.hash)
    EXECUTE FUNCTION audit.check_chain_head_move();

-- a deleted head would restart its tenant's chain at position 1, which the unique index then refuses
CREATE FUNCTION audit.keep_chain_heads() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.chain_heads rows are kept: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER chain_heads_kept
    BEFORE DELETE ON audit.chain_heads
    FOR EACH ROW EXECUTE FUNCTION audit.keep_chain_heads();

CREATE TRIGGER chain_heads_no_truncate
    BEFORE TRUNCATE ON audit.chain_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit.keep_chain_heads();

COMMENT ON TABLE audit.chain_heads IS 'Last chain position and hash per tenant; the lock that serializes appends. '
    'Writers move it after their rows; it only moves forward along the chain and is never deleted.';
