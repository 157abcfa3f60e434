-- Parked outbox rows: a row the relay can never publish (its payload does not decode, its topic is
-- not in the catalog, the producer rejects it as too large or unserializable) gets failed_at and a
-- one-line reason, and later rounds skip it instead of retrying it forever. The reason names the
-- kind of failure only, never payload bytes. To relay a parked row again once the cause is fixed:
--   UPDATE orchestrator.outbox SET failed_at = NULL, failure = NULL WHERE id = …;

ALTER TABLE orchestrator.outbox
    ADD COLUMN failed_at timestamptz,
    ADD COLUMN failure   text,
    ADD CONSTRAINT outbox_published_or_parked CHECK (published_at IS NULL OR failed_at IS NULL),
    ADD CONSTRAINT outbox_parked_with_reason CHECK ((failed_at IS NULL) = (failure IS NULL));

-- outbox_unpublished (id) WHERE published_at IS NULL still serves the relay, which skips the few
-- parked rows, and the count of pending and parked rows.
