-- Model aliases (the admin API's source of truth; fleet.model-aliases.v1 carries them to every
-- replica) and the first assignment of each user to an experiment's arm. See decision 0022.

-- One row per alias: its whole state, encoded exactly as the fleet.model-aliases.v1 record (Avro
-- single-object encoding), so the table and the topic cannot disagree on the shape.
CREATE TABLE orchestrator.model_aliases (
    alias       text        PRIMARY KEY,
    config      bytea       NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- The first time a user of a tenant was routed by an experiment. Only the request that inserts the
-- row announces ExperimentAssigned, so the topic holds one assignment per user and experiment.
CREATE TABLE orchestrator.experiment_assignments (
    tenant_id    text        NOT NULL,
    alias        text        NOT NULL,
    experiment   text        NOT NULL,
    end_user     text        NOT NULL,
    arm          text        NOT NULL,
    bucket       integer     NOT NULL CHECK (bucket BETWEEN 0 AND 9999),
    request_id   text        NOT NULL,
    assigned_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, alias, experiment, end_user)
);

-- A removed alias is published as a tombstone (a null value) through the outbox.
ALTER TABLE orchestrator.outbox ALTER COLUMN payload DROP NOT NULL;
