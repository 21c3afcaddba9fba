-- policywatch schema, version 9: full-text search across every version,
-- and each version's reading time and readability, computed once when it
-- is placed.

-- Versions are searched by passages: a version is cut into its sections
-- (long ones into pieces of a few kilobytes), and a passage found in many
-- versions (most of a policy stays the same from one version to the next)
-- is stored and indexed once. search_postings says which versions hold
-- which passage. A passage no version holds any more is deleted with the
-- history that held it (re-extraction).
CREATE TABLE search_passages (
    id   INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    text TEXT NOT NULL
);

-- SQLite's FTS5 over the passages' text (external content: the text is
-- stored once, in search_passages). unicode61 folds case and, with
-- remove_diacritics 2, accents: "donnees" finds "données".
CREATE VIRTUAL TABLE search_index USING fts5 (
    text,
    content = 'search_passages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE search_postings (
    passage_id INTEGER NOT NULL REFERENCES search_passages (id),
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    PRIMARY KEY (passage_id, version_id)
) WITHOUT ROWID;

CREATE INDEX search_postings_version ON search_postings (version_id);

-- A version's reading time and Flesch–Kincaid grade (readability.Measure),
-- with the counts they come from; release names the code that computed
-- them. Versions stored before this step have no row until 'policywatch
-- search-index' (or serve, in the background) computes it.
CREATE TABLE version_readability (
    version_id      INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    sentences       INTEGER NOT NULL CHECK (sentences >= 0),
    syllables       INTEGER NOT NULL CHECK (syllables >= 0),
    reading_seconds INTEGER NOT NULL CHECK (reading_seconds >= 0),
    grade           REAL NOT NULL,
    release         TEXT NOT NULL
);
