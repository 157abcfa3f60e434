-- Recommendation rules (issue 8, decision record 0049): each collection's versioned business rules
-- (boost and bury by metadata, pinned items), the active version published whole to the compacted
-- fleet.recommendation.rules.v1 through the outbox.

-- A version is immutable once written; numbered per (tenant, collection) from 1. Its rules are kept as the
-- fleet serde encoded its RecommendationRules record (updatedAt: when it was created), so an old version
-- decodes after the schema evolves and is published exactly as it was created.
CREATE TABLE orchestrator.recommendation_rule_versions (
    tenant_id   uuid        NOT NULL REFERENCES orchestrator.tenants (id),
    collection  text        NOT NULL,
    version     integer     NOT NULL CHECK (version >= 1),
    rules       bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, collection, version)
);

-- Which version is active (0: no rules); no row means no rules.
CREATE TABLE orchestrator.recommendation_rule_state (
    tenant_id       uuid        NOT NULL REFERENCES orchestrator.tenants (id),
    collection      text        NOT NULL,
    active_version  integer     NOT NULL CHECK (active_version >= 0),
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, collection)
);
