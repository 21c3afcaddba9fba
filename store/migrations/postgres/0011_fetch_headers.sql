-- policywatch schema, step 11, for PostgreSQL: ../0011_fetch_headers.sql's twin.
ALTER TABLE fetches ADD COLUMN headers text NOT NULL DEFAULT '';
