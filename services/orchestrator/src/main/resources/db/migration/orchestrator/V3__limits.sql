-- Limits set per tenant instead of its plan's (NULL: the plan's; 0: no limit), and per key on its
-- own (NULL: none of its own).
ALTER TABLE orchestrator.tenants
    ADD COLUMN rpm_limit            integer CHECK (rpm_limit >= 0),
    ADD COLUMN tpm_limit            bigint  CHECK (tpm_limit >= 0),
    ADD COLUMN monthly_tokens_limit bigint  CHECK (monthly_tokens_limit >= 0);

ALTER TABLE orchestrator.api_keys
    ADD COLUMN rpm_limit integer CHECK (rpm_limit >= 0),
    ADD COLUMN tpm_limit bigint  CHECK (tpm_limit >= 0);
