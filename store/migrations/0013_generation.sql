-- policywatch schema, step 13: the generation of what pages show, so that a
-- server may keep rendered pages and know with one query of a one-row
-- table, on every request, when they are out of date. Whoever writes (this
-- process, another serve, a crawl, import, reextract, rediff, notify or
-- compact on the same database), the triggers below move a counter in the
-- same transaction:
--
--   pages               a row added, changed or deleted in a table that
--                       pages, feeds and API lists read (store.PageTables),
--                       or the first screenshot of a capture arrived;
--   versions_rewritten  a stored version changed or deleted, never one
--                       added: a diff of two versions computed once stays
--                       right until it moves (ids of deleted versions may
--                       be given again);
--   deliveries          what the document page's list of alerts sent shows
--                       (store.DeliveryTables). notify writes attempts all
--                       the time: they move this counter only, so they do
--                       not throw away every other page kept.
--
-- Fetches, crawl state, held captures, snapshots (content-addressed, never
-- changed), cursors, the work queue and the search index move nothing: no
-- kept page shows them. Each counter starts at a random number, so that a
-- database made again in the place of another (PostgreSQL's, dropped and
-- created while a server runs) does not repeat the old one's generations.
CREATE TABLE generation (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    pages              INTEGER NOT NULL,
    versions_rewritten INTEGER NOT NULL,
    deliveries         INTEGER NOT NULL
);

-- Below 10^12, so the counters never leave 64-bit integers.
INSERT INTO generation (id, pages, versions_rewritten, deliveries)
VALUES (1, abs(random() % 1000000000000), abs(random() % 1000000000000), abs(random() % 1000000000000));
-- store.PageTables.
CREATE TRIGGER services_generation_insert AFTER INSERT ON services BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER services_generation_update AFTER UPDATE ON services BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER services_generation_delete AFTER DELETE ON services BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;

CREATE TRIGGER documents_generation_insert AFTER INSERT ON documents BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER documents_generation_update AFTER UPDATE ON documents BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER documents_generation_delete AFTER DELETE ON documents BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;

CREATE TRIGGER changes_generation_insert AFTER INSERT ON changes BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_generation_update AFTER UPDATE ON changes BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_generation_delete AFTER DELETE ON changes BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;

CREATE TRIGGER history_marks_generation_insert AFTER INSERT ON history_marks BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER history_marks_generation_update AFTER UPDATE ON history_marks BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER history_marks_generation_delete AFTER DELETE ON history_marks BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;

CREATE TRIGGER version_readability_generation_insert AFTER INSERT ON version_readability BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER version_readability_generation_update AFTER UPDATE ON version_readability BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER version_readability_generation_delete AFTER DELETE ON version_readability BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;

CREATE TRIGGER versions_generation_insert AFTER INSERT ON versions BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;
CREATE TRIGGER versions_generation_update AFTER UPDATE ON versions BEGIN
    UPDATE generation SET pages = pages + 1, versions_rewritten = versions_rewritten + 1 WHERE id = 1;
END;
CREATE TRIGGER versions_generation_delete AFTER DELETE ON versions BEGIN
    UPDATE generation SET pages = pages + 1, versions_rewritten = versions_rewritten + 1 WHERE id = 1;
END;

-- A version page shows the screenshot of its capture, taken by a fetch that
-- may come after the version was placed (the same bytes fetched again, this
-- time with a screenshot): the first screenshot of a capture moves pages,
-- later ones change nothing a page shows (it shows the earliest).
CREATE TRIGGER fetches_generation_screenshot AFTER INSERT ON fetches
WHEN NEW.screenshot_hash IS NOT NULL AND NEW.snapshot_hash IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM fetches f
    WHERE f.document_id = NEW.document_id AND f.snapshot_hash = NEW.snapshot_hash
        AND f.screenshot_hash IS NOT NULL AND f.id <> NEW.id)
BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
END;

-- The trigger above finds a capture's screenshots by this index, which
-- holds only fetches with one.
CREATE INDEX fetches_screenshot ON fetches (document_id, snapshot_hash) WHERE screenshot_hash IS NOT NULL;

-- store.DeliveryTables.
CREATE TRIGGER subscriptions_generation_insert AFTER INSERT ON subscriptions BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;
CREATE TRIGGER subscriptions_generation_update AFTER UPDATE ON subscriptions BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;
CREATE TRIGGER subscriptions_generation_delete AFTER DELETE ON subscriptions BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;

CREATE TRIGGER alerts_generation_insert AFTER INSERT ON alerts BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;
CREATE TRIGGER alerts_generation_update AFTER UPDATE ON alerts BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;
CREATE TRIGGER alerts_generation_delete AFTER DELETE ON alerts BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;

CREATE TRIGGER deliveries_generation_insert AFTER INSERT ON deliveries BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;
CREATE TRIGGER deliveries_generation_update AFTER UPDATE ON deliveries BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;
CREATE TRIGGER deliveries_generation_delete AFTER DELETE ON deliveries BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;

CREATE TRIGGER delivery_attempts_generation_insert AFTER INSERT ON delivery_attempts BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;
CREATE TRIGGER delivery_attempts_generation_update AFTER UPDATE ON delivery_attempts BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;
CREATE TRIGGER delivery_attempts_generation_delete AFTER DELETE ON delivery_attempts BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
END;

-- Not counters, but the same concern, fast pages. The document page names
-- the other documents kept from the same URL, which was a scan of every
-- document on each page.
CREATE INDEX documents_url ON documents (url);

-- It charts the words of every version and the class of every change of
-- the document (store.VersionPoints): read from these indexes alone, a
-- history of thousands of versions is a few pages, where their rows lie
-- all over the tables among other documents'. They replace the narrower
-- indexes of step 1 of the same names (id is the rowid, which SQLite
-- keeps in every index; named, it keeps captured_at, id in order).
DROP INDEX versions_document_captured;
CREATE INDEX versions_document_captured ON versions (document_id, captured_at, id, words);
DROP INDEX changes_document;
CREATE INDEX changes_document ON changes (document_id, to_version_id, from_version_id, class, magnitude);
