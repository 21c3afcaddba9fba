-- policywatch schema, step 15, for PostgreSQL: ../0015_queue_and_capture_indexes.sql's twin.
CREATE INDEX crawl_state_leased ON crawl_state (lease_owner, lease_until) WHERE lease_owner <> '';
CREATE INDEX fetches_snapshot ON fetches (document_id, snapshot_hash);
