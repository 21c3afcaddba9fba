-- policywatch schema, version 5: captures and version texts stored as
-- zstd frames compressed against an earlier one of the same document.
--
-- This step changes the schema only. Rows written before it stay as they
-- are and read as they did (a frame of its own, plain text columns);
-- 'policywatch compact' packs them, a batch of rows per transaction, so a
-- large archive is not rewritten inside one migration.

-- A snapshot's frame needs the content of its base (by hash) as zstd's raw
-- dictionary; NULL: a frame of its own. depth is how many frames reading
-- it decodes. chain is the document among whose captures it was placed,
-- seq its position there (1, 2, …), which decides its base; both NULL for
-- a snapshot no fetch names, and for rows of older releases until compact.
ALTER TABLE snapshots ADD COLUMN base TEXT REFERENCES snapshots (hash);
ALTER TABLE snapshots ADD COLUMN depth INTEGER NOT NULL DEFAULT 1 CHECK (depth >= 1);
ALTER TABLE snapshots ADD COLUMN chain INTEGER REFERENCES documents (id);
ALTER TABLE snapshots ADD COLUMN seq INTEGER;

CREATE UNIQUE INDEX snapshots_chain ON snapshots (chain, seq) WHERE chain IS NOT NULL;

-- A packed version keeps markdown || sections (split at markdown_bytes) in
-- packed, a zstd frame against the texts of version packed_base (NULL: a
-- frame of its own), and their SHA-256 in packed_hash; markdown and
-- sections are then ''. packed NULL: the plain columns hold the texts.
ALTER TABLE versions ADD COLUMN packed BLOB;
ALTER TABLE versions ADD COLUMN packed_hash BLOB CHECK (packed_hash IS NULL OR length(packed_hash) = 32);
ALTER TABLE versions ADD COLUMN packed_base INTEGER REFERENCES versions (id);
ALTER TABLE versions ADD COLUMN packed_depth INTEGER NOT NULL DEFAULT 1 CHECK (packed_depth >= 1);
ALTER TABLE versions ADD COLUMN packed_seq INTEGER;

CREATE UNIQUE INDEX versions_packed_seq ON versions (document_id, packed_seq) WHERE packed_seq IS NOT NULL;
-- Deleting a document's versions (re-extraction) checks that no other
-- version still needs them as a base; this index makes that a lookup.
CREATE INDEX versions_packed_base ON versions (packed_base) WHERE packed_base IS NOT NULL;
