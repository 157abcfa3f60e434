-- Knowledge item limits set per tenant instead of its plan's (NULL: the plan's; 0: no limit), decision 0048:
-- items stored across its collections, their bytes together, and the bytes of one item.
ALTER TABLE orchestrator.tenants
    ADD COLUMN max_items_limit        bigint CHECK (max_items_limit >= 0),
    ADD COLUMN max_stored_bytes_limit bigint CHECK (max_stored_bytes_limit >= 0),
    ADD COLUMN max_item_bytes_limit   bigint CHECK (max_item_bytes_limit >= 0);
