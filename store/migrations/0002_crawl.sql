-- policywatch schema, version 2: what the crawler keeps between runs.

-- One row per declared document, keyed by name because a document row only
-- exists once something was recorded for it. due_at is when the scheduler
-- fetches it next; etag and last_modified are the validators of the last
-- successful fetch of validated_url, sent back as a conditional request.
CREATE TABLE crawl_state (
    service       TEXT NOT NULL CHECK (service <> ''),
    type          TEXT NOT NULL CHECK (type <> ''),
    due_at        TEXT NOT NULL DEFAULT '',
    last_at       TEXT NOT NULL DEFAULT '',
    last_class    TEXT NOT NULL DEFAULT '',
    validated_url TEXT NOT NULL DEFAULT '',
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (service, type)
);

-- A capture whose text shrank too much against the latest version is held
-- here (its fetch is stored with the error class "suspect") until the next
-- fetch confirms it with the same text, or shows something else.
CREATE TABLE held_captures (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    fetch_id    INTEGER NOT NULL REFERENCES fetches (id),
    captured_at TEXT NOT NULL,
    text_hash   TEXT NOT NULL
);
