-- policywatch schema, version 6: history marks are stored, computed once
-- when a version is placed, instead of on every page that draws a
-- timeline (which diffed every near-return candidate each time).
--
-- A row exists for each version the history marks, and for each version
-- whose near return to the one two before it was checked (near_checked:
-- that version's id, so the diff is not run again while the versions
-- around it stay). documents.marks_release names the code release that
-- computed the document's marks; '' (every document after this step)
-- means not yet computed: 'policywatch rediff', re-extraction and serve
-- compute them.
CREATE TABLE history_marks (
    version_id     INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    document_id    INTEGER NOT NULL REFERENCES documents (id),
    reverts_to     INTEGER REFERENCES versions (id) ON DELETE CASCADE,
    returns_to     INTEGER REFERENCES versions (id) ON DELETE CASCADE,
    flip_flop      INTEGER NOT NULL DEFAULT 0 CHECK (flip_flop IN (0, 1)),
    flip_flop_with INTEGER REFERENCES versions (id) ON DELETE CASCADE,
    near_checked   INTEGER REFERENCES versions (id) ON DELETE CASCADE
);

CREATE INDEX history_marks_document ON history_marks (document_id);

ALTER TABLE documents ADD COLUMN marks_release TEXT NOT NULL DEFAULT '';
