-- policywatch schema, version 7: where a history import stopped, so that
-- the next run goes on from there (import-ota, backfill --wayback).

-- source names what is walked: "ota-snapshots:ROOT" or "ota-versions:ROOT"
-- for an Open Terms Archive repository (ROOT: the hash of its first commit,
-- so another clone of it resumes too), "wayback" for the Wayback Machine.
-- document is "" for the source as a whole, else "SERVICE/TYPE".
-- position is where the walk is: the last commit imported, or the last
-- archive timestamp; at is the capture time given to the last capture;
-- origin_at is the time the source itself gave it (a commit's date, which
-- several commits may share), or for the Wayback Machine the start of the
-- range the cursor covers.
CREATE TABLE import_cursors (
    source    TEXT NOT NULL CHECK (source <> ''),
    document  TEXT NOT NULL DEFAULT '',
    position  TEXT NOT NULL DEFAULT '',
    at        TEXT NOT NULL DEFAULT '',
    origin_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source, document)
);
