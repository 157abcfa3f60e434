-- Prompt templates as versioned config: a row per prompt (locked to serialise its changes), its
-- immutable numbered versions, and its labels (each pointing at one version; moving one back is a
-- rollback). The current state of each prompt is also on the compacted topic fleet.prompts.v1.
CREATE TABLE orchestrator.prompts (
    tenant_id   uuid        NOT NULL REFERENCES orchestrator.tenants (id),
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE orchestrator.prompt_versions (
    tenant_id   uuid        NOT NULL,
    name        text        NOT NULL,
    version     integer     NOT NULL CHECK (version >= 1),
    template    text        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name, version),
    FOREIGN KEY (tenant_id, name) REFERENCES orchestrator.prompts (tenant_id, name)
);

CREATE TABLE orchestrator.prompt_labels (
    tenant_id   uuid        NOT NULL,
    name        text        NOT NULL,
    label       text        NOT NULL,
    version     integer     NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name, label),
    FOREIGN KEY (tenant_id, name, version) REFERENCES orchestrator.prompt_versions (tenant_id, name, version)
);

-- Conversations and their messages (the client's messages and the answers, oldest first). A
-- conversation belongs to the tenant that started it. A message row is unique per request and
-- position, so a re-answered request appends nothing twice.
CREATE TABLE orchestrator.conversations (
    id          text        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX conversations_tenant ON orchestrator.conversations (tenant_id);

CREATE TABLE orchestrator.conversation_messages (
    id               bigserial   PRIMARY KEY,
    conversation_id  text        NOT NULL REFERENCES orchestrator.conversations (id) ON DELETE CASCADE,
    request_id       text        NOT NULL,
    position         integer     NOT NULL,
    role             text        NOT NULL,
    content          text        NOT NULL,
    name             text,
    tool_call_id     text,
    tool_calls_json  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conversation_id, request_id, position)
);

CREATE INDEX conversation_messages_history ON orchestrator.conversation_messages (conversation_id, id);
