-- policywatch schema, version 1.
-- Times are TEXT in the fixed-width UTC form 2006-01-02T15:04:05.000000000Z,
-- so that text order is time order and SQLite's date functions read them.

CREATE TABLE services (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (name <> '')
);

CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id),
    type       TEXT NOT NULL CHECK (type <> ''),
    url        TEXT NOT NULL DEFAULT '',
    UNIQUE (service_id, type)
);

-- Raw bytes of captures, content-addressed, zstd-compressed.
CREATE TABLE snapshots (
    hash         TEXT PRIMARY KEY CHECK (length(hash) = 64),
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    compressed   BLOB NOT NULL
);

CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    document_id   INTEGER NOT NULL REFERENCES documents (id),
    at            TEXT NOT NULL,
    source        TEXT NOT NULL,
    url           TEXT NOT NULL DEFAULT '',
    status        INTEGER NOT NULL DEFAULT 0,
    error_class   TEXT NOT NULL DEFAULT '',
    error         TEXT NOT NULL DEFAULT '',
    snapshot_hash TEXT REFERENCES snapshots (hash)
);

-- Recording the same capture twice adds nothing. A plain UNIQUE constraint
-- would treat NULL snapshot hashes (failed fetches) as all distinct.
CREATE UNIQUE INDEX fetches_capture
    ON fetches (document_id, at, source, ifnull(snapshot_hash, ''));

CREATE TABLE versions (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES documents (id),
    captured_at    TEXT NOT NULL,
    snapshot_hash  TEXT NOT NULL REFERENCES snapshots (hash),
    extractor      TEXT NOT NULL,
    markdown       TEXT NOT NULL,
    markdown_bytes INTEGER NOT NULL,
    sections       TEXT NOT NULL CHECK (sections = '' OR json_valid(sections)),
    text_hash      TEXT NOT NULL,
    words          INTEGER NOT NULL
);

CREATE INDEX versions_document_captured ON versions (document_id, captured_at);
CREATE INDEX versions_snapshot ON versions (snapshot_hash);

CREATE TABLE changes (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES documents (id),
    from_version_id INTEGER NOT NULL REFERENCES versions (id),
    to_version_id   INTEGER NOT NULL UNIQUE REFERENCES versions (id),
    class           TEXT NOT NULL,
    summary         TEXT NOT NULL,
    words_added     INTEGER NOT NULL,
    words_removed   INTEGER NOT NULL,
    substitutions   TEXT NOT NULL CHECK (json_valid(substitutions))
);

CREATE INDEX changes_document ON changes (document_id);
CREATE INDEX changes_from_version ON changes (from_version_id);
