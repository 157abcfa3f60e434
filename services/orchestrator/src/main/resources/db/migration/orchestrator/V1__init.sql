-- The orchestrator's own data: tenants, their API keys (hashed), the transactional outbox,
-- and the chat requests already answered. Flyway runs this with search_path = orchestrator.

CREATE TABLE orchestrator.tenants (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    plan        text        NOT NULL CHECK (plan IN ('FREE', 'PRO', 'ENTERPRISE')),
    status      text        NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Only the SHA-256 of a key and a short prefix are kept; the key itself is shown once.
CREATE TABLE orchestrator.api_keys (
    id          uuid        PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES orchestrator.tenants (id),
    sha256      char(64)    NOT NULL UNIQUE,
    prefix      text        NOT NULL,
    scopes      text[]      NOT NULL,
    status      text        NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX api_keys_tenant ON orchestrator.api_keys (tenant_id);

-- Records to publish, written in the transaction of the change they announce; the relay
-- publishes them in id order and sets published_at.
CREATE TABLE orchestrator.outbox (
    id            bigserial   PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    topic         text        NOT NULL,
    message_key   text        NOT NULL,
    payload       bytea       NOT NULL,
    tenant_id     uuid        NOT NULL,
    traceparent   text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);

CREATE INDEX outbox_unpublished ON orchestrator.outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_tenant ON orchestrator.outbox (tenant_id);

-- Chat requests already answered: a redelivered ChatRequested is skipped.
CREATE TABLE orchestrator.processed_chat_requests (
    request_id    text        PRIMARY KEY,
    tenant_id     text        NOT NULL,
    model         text        NOT NULL,
    outcome       text        NOT NULL,
    completed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX processed_chat_requests_tenant ON orchestrator.processed_chat_requests (tenant_id);
CREATE INDEX processed_chat_requests_completed ON orchestrator.processed_chat_requests (completed_at);
