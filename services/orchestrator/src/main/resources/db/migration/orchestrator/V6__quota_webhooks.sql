-- Quota notification webhooks (decision record 0027). One webhook per tenant; its signing secret is
-- stored as issued, because signing needs it (a hash could not sign): whoever can read this table
-- can forge deliveries, so the table is the orchestrator's alone, like the rest of the schema.
CREATE TABLE orchestrator.quota_webhooks (
    tenant_id   uuid        PRIMARY KEY REFERENCES orchestrator.tenants (id),
    url         text        NOT NULL,
    secret      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- One delivery per quota event (event id = the domain event's), written when the event is consumed
-- (a redelivered event finds its row) and worked off by the deliverer: pending until a 2xx
-- (delivered) or the last attempt (dead). next_attempt_at doubles as the lease of a delivery in flight.
CREATE TABLE orchestrator.webhook_deliveries (
    event_id        uuid        PRIMARY KEY,
    tenant_id       uuid        NOT NULL,
    type            text        NOT NULL,
    url             text        NOT NULL,
    body            text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_status     integer,
    last_error      text,
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE INDEX webhook_deliveries_due ON orchestrator.webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_tenant ON orchestrator.webhook_deliveries (tenant_id, state, created_at DESC);
