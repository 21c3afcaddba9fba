-- policywatch schema, version 8, for PostgreSQL: ../0008_versions_by_time.sql's twin.
CREATE INDEX versions_captured ON versions (captured_at, id);
