-- Risk (issue 9, decision record 0036): each tenant's versioned rule sets, which version is active
-- and which runs in shadow (published whole to fleet.risk.rule-sets.v1 through the outbox), and the
-- review cases opened by the scorer's REVIEW decisions.

-- A version is immutable once written. Version 0 is the built-in default and is never stored.
CREATE TABLE orchestrator.risk_rule_set_versions (
    tenant_id   uuid             NOT NULL REFERENCES orchestrator.tenants (id),
    version     integer          NOT NULL CHECK (version >= 1),
    review_at   double precision NOT NULL,
    decline_at  double precision NOT NULL,
    created_at  timestamptz      NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

CREATE TABLE orchestrator.risk_rules (
    tenant_id   uuid             NOT NULL,
    version     integer          NOT NULL,
    position    integer          NOT NULL,
    rule_id     text             NOT NULL,
    condition   text             NOT NULL,
    score       double precision NOT NULL,
    reason      text             NOT NULL,
    PRIMARY KEY (tenant_id, version, position),
    UNIQUE (tenant_id, version, rule_id),
    FOREIGN KEY (tenant_id, version) REFERENCES orchestrator.risk_rule_set_versions (tenant_id, version)
);

-- Which version is enforced (0: the default) and which runs in shadow (null: none); no row means
-- the default and no shadow.
CREATE TABLE orchestrator.risk_rule_set_state (
    tenant_id       uuid        PRIMARY KEY REFERENCES orchestrator.tenants (id),
    active_version  integer     NOT NULL CHECK (active_version >= 0),
    shadow_version  integer     CHECK (shadow_version >= 0),
    updated_at      timestamptz NOT NULL
);

-- One case per REVIEW decision: the unique (tenant_id, transaction_id) makes a redelivered decision
-- open nothing new. No foreign key to tenants: the scorer decides for any tenant id it is given,
-- and its case is kept. The decision is kept as received (fleet serde bytes) for its reasons and features.
CREATE TABLE orchestrator.risk_cases (
    id              uuid             PRIMARY KEY,
    tenant_id       uuid             NOT NULL,
    transaction_id  text             NOT NULL,
    account_id      text             NOT NULL,
    amount          numeric          NOT NULL,
    currency        text             NOT NULL,
    score           double precision NOT NULL,
    rule_set_version integer         NOT NULL,
    decision        bytea            NOT NULL,
    status          text             NOT NULL CHECK (status IN ('open', 'escalated', 'decided')),
    resolution      text             CHECK (resolution IN ('approved', 'declined')),
    opened_at       timestamptz      NOT NULL,
    due_at          timestamptz      NOT NULL,
    escalated_at    timestamptz,
    decided_at      timestamptz,
    UNIQUE (tenant_id, transaction_id),
    CHECK ((status = 'decided') = (resolution IS NOT NULL))
);

CREATE INDEX risk_cases_by_tenant ON orchestrator.risk_cases (tenant_id, status, opened_at);
CREATE INDEX risk_cases_due ON orchestrator.risk_cases (due_at) WHERE status = 'open';

-- Each reviewer's word on a case, in order; one per reviewer (four eyes needs two distinct ones).
CREATE TABLE orchestrator.risk_case_reviews (
    case_id     uuid        NOT NULL REFERENCES orchestrator.risk_cases (id),
    reviewer    text        NOT NULL,
    resolution  text        NOT NULL CHECK (resolution IN ('approved', 'declined')),
    reason      text        NOT NULL,
    reviewed_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, reviewer)
);
