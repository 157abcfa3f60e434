-- Risk backtests (issue 9): a candidate rule-set version replayed against the version in force over
-- a time range of fleet.transactions.v1. Progress is written about once a second by the replica that
-- runs it, so any replica can answer for it; the report is the finished backtest's JSON.
CREATE TABLE orchestrator.risk_backtests (
    id                 uuid        PRIMARY KEY,
    tenant_id          uuid        NOT NULL REFERENCES orchestrator.tenants (id),
    range_from         timestamptz NOT NULL,
    range_to           timestamptz NOT NULL,
    baseline_version   integer     NOT NULL,
    candidate_version  integer     NOT NULL,
    status             text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    records_read       bigint      NOT NULL DEFAULT 0,
    records_total      bigint      NOT NULL DEFAULT 0,
    report             jsonb,
    error              text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX risk_backtests_tenant ON orchestrator.risk_backtests (tenant_id, created_at DESC);
