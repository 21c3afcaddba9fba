-- policywatch schema, step 15, for PostgreSQL: ../0015_leases_index.sql's twin.
CREATE INDEX crawl_state_leased ON crawl_state (lease_owner, lease_until) WHERE lease_owner <> '';
