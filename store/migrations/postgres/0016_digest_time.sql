-- policywatch schema, step 16, for PostgreSQL: ../0016_digest_time.sql's twin.
ALTER TABLE subscriptions ADD COLUMN digest_at TEXT NOT NULL DEFAULT '';
