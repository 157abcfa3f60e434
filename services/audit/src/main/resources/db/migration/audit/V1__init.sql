-- The audit log: one row per domain event, written once, never changed.
CREATE TABLE audit.events (
    seq         bigserial   PRIMARY KEY,
    event_id    uuid        NOT NULL UNIQUE,
    tenant_id   text        NOT NULL,
    type        text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor       text        NOT NULL,
    subject     text        NOT NULL,
    produced_by text        NOT NULL,
    payload     jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE audit.events IS 'Append-only log of fleet.domain.events.v1; UPDATE, DELETE and TRUNCATE are rejected.';
COMMENT ON COLUMN audit.events.seq IS 'Order of recording; the paging cursor of the query API.';
COMMENT ON COLUMN audit.events.event_id IS 'DomainEvent.eventId (= the event-id header); the idempotency key.';
COMMENT ON COLUMN audit.events.type IS 'The payload record''s name, e.g. CompletionSucceeded.';
COMMENT ON COLUMN audit.events.payload IS 'The payload record as JSON, with its Avro field names.';

CREATE INDEX events_tenant_seq ON audit.events (tenant_id, seq);

CREATE FUNCTION audit.reject_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON audit.events
    FOR EACH ROW EXECUTE FUNCTION audit.reject_change();

CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON audit.events
    FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
