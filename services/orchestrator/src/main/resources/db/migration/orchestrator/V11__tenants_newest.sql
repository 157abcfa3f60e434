-- The admin API lists tenants newest first, a page at a time after the last one seen
-- (keyset paging on created_at, id; decision 0042).
CREATE INDEX tenants_newest ON orchestrator.tenants (created_at DESC, id DESC);
