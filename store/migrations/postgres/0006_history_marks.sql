-- policywatch schema, version 6, for PostgreSQL: ../0006_history_marks.sql's twin.
CREATE TABLE history_marks (
    version_id     bigint PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    document_id    bigint NOT NULL REFERENCES documents (id),
    reverts_to     bigint REFERENCES versions (id) ON DELETE CASCADE,
    returns_to     bigint REFERENCES versions (id) ON DELETE CASCADE,
    flip_flop      boolean NOT NULL DEFAULT false,
    flip_flop_with bigint REFERENCES versions (id) ON DELETE CASCADE,
    near_checked   bigint REFERENCES versions (id) ON DELETE CASCADE
);

CREATE INDEX history_marks_document ON history_marks (document_id);

ALTER TABLE documents ADD COLUMN marks_release text NOT NULL DEFAULT '';
