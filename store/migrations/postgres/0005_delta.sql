-- policywatch schema, version 5, for PostgreSQL: ../0005_delta.sql's twin.
ALTER TABLE snapshots ADD COLUMN base text COLLATE "C" REFERENCES snapshots (hash);
ALTER TABLE snapshots ADD COLUMN depth bigint NOT NULL DEFAULT 1 CHECK (depth >= 1);
ALTER TABLE snapshots ADD COLUMN chain bigint REFERENCES documents (id);
ALTER TABLE snapshots ADD COLUMN seq bigint;

CREATE UNIQUE INDEX snapshots_chain ON snapshots (chain, seq) WHERE chain IS NOT NULL;

ALTER TABLE versions ADD COLUMN packed bytea;
ALTER TABLE versions ADD COLUMN packed_hash bytea CHECK (packed_hash IS NULL OR length(packed_hash) = 32);
ALTER TABLE versions ADD COLUMN packed_base bigint REFERENCES versions (id);
ALTER TABLE versions ADD COLUMN packed_depth bigint NOT NULL DEFAULT 1 CHECK (packed_depth >= 1);
ALTER TABLE versions ADD COLUMN packed_seq bigint;

CREATE UNIQUE INDEX versions_packed_seq ON versions (document_id, packed_seq) WHERE packed_seq IS NOT NULL;
CREATE INDEX versions_packed_base ON versions (packed_base) WHERE packed_base IS NOT NULL;
