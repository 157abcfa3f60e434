-- Stored responses of OpenAI's Responses API (issue 12, decision 0029): one row per response the
-- gateway asked to store, keyed by its id (resp_<requestId>) and owned by its tenant. The input
-- items are kept as messages (oldest first, without the instructions) so that a response continued
-- with previous_response_id can rebuild the history; rows older than the retention are purged.
CREATE TABLE orchestrator.responses (
    id                    text        PRIMARY KEY,
    tenant_id             text        NOT NULL,
    request_id            text        NOT NULL,
    model                 text        NOT NULL,
    status                text        NOT NULL CHECK (status IN ('completed', 'incomplete', 'failed')),
    created_at            timestamptz NOT NULL,
    instructions          text,
    input                 jsonb       NOT NULL,
    output_text           text        NOT NULL,
    input_tokens          integer,
    output_tokens         integer,
    error_type            text,
    error_code            text,
    error_message         text,
    previous_response_id  text,
    temperature           double precision,
    top_p                 double precision,
    max_output_tokens     integer,
    end_user              text,
    metadata              jsonb       NOT NULL DEFAULT '{}'::jsonb,
    stored_at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX responses_tenant ON orchestrator.responses (tenant_id, id);
CREATE INDEX responses_created ON orchestrator.responses (created_at);
