-- policywatch schema, step 13, for PostgreSQL: ../0013_generation.sql's
-- twin, with one trigger function for each counter. Row triggers, as
-- SQLite's: statement triggers would fire for an INSERT ... ON CONFLICT DO
-- NOTHING that inserts nothing, which every crawl makes.
--
-- One row holds the counters and every transaction that writes what pages
-- show updates it. The triggers are deferred to the commit, so that such
-- transactions hold the row only while they commit: workers placing
-- versions at once would otherwise wait for each other from their first
-- write to their commit. Fetches, crawl state and the work queue, which
-- many workers write at once, move nothing (but for a fetch bringing a
-- capture's first screenshot).
CREATE TABLE generation (
    id                 integer PRIMARY KEY CHECK (id = 1),
    pages              bigint NOT NULL,
    versions_rewritten bigint NOT NULL,
    deliveries         bigint NOT NULL
);

-- Below 10^12, so the counters never leave 64-bit integers.
INSERT INTO generation (id, pages, versions_rewritten, deliveries)
VALUES (1, floor(random() * 1e12)::bigint, floor(random() * 1e12)::bigint, floor(random() * 1e12)::bigint);

CREATE FUNCTION generation_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generation SET pages = pages + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE FUNCTION generation_versions_rewritten() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generation SET pages = pages + 1, versions_rewritten = versions_rewritten + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE FUNCTION generation_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generation SET deliveries = deliveries + 1 WHERE id = 1;
    RETURN NULL;
END $$;

-- A trigger's WHEN cannot hold a subquery: the function asks whether the
-- capture had a screenshot already.
CREATE FUNCTION generation_first_screenshot() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM fetches f
        WHERE f.document_id = NEW.document_id AND f.snapshot_hash = NEW.snapshot_hash
            AND f.screenshot_hash IS NOT NULL AND f.id <> NEW.id) THEN
        UPDATE generation SET pages = pages + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

-- store.PageTables.
CREATE CONSTRAINT TRIGGER services_generation AFTER INSERT OR UPDATE OR DELETE ON services
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_pages();
CREATE CONSTRAINT TRIGGER documents_generation AFTER INSERT OR UPDATE OR DELETE ON documents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_pages();
CREATE CONSTRAINT TRIGGER changes_generation AFTER INSERT OR UPDATE OR DELETE ON changes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_pages();
CREATE CONSTRAINT TRIGGER history_marks_generation AFTER INSERT OR UPDATE OR DELETE ON history_marks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_pages();
CREATE CONSTRAINT TRIGGER version_readability_generation AFTER INSERT OR UPDATE OR DELETE ON version_readability
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_pages();
CREATE CONSTRAINT TRIGGER versions_generation_insert AFTER INSERT ON versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_pages();
CREATE CONSTRAINT TRIGGER versions_generation_rewrite AFTER UPDATE OR DELETE ON versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_versions_rewritten();

CREATE CONSTRAINT TRIGGER fetches_generation_screenshot AFTER INSERT ON fetches
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.screenshot_hash IS NOT NULL AND NEW.snapshot_hash IS NOT NULL)
    EXECUTE FUNCTION generation_first_screenshot();

-- The trigger above finds a capture's screenshots by this index, which
-- holds only fetches with one.
CREATE INDEX fetches_screenshot ON fetches (document_id, snapshot_hash) WHERE screenshot_hash IS NOT NULL;

-- store.DeliveryTables.
CREATE CONSTRAINT TRIGGER subscriptions_generation AFTER INSERT OR UPDATE OR DELETE ON subscriptions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_deliveries();
CREATE CONSTRAINT TRIGGER alerts_generation AFTER INSERT OR UPDATE OR DELETE ON alerts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_deliveries();
CREATE CONSTRAINT TRIGGER deliveries_generation AFTER INSERT OR UPDATE OR DELETE ON deliveries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_deliveries();
CREATE CONSTRAINT TRIGGER delivery_attempts_generation AFTER INSERT OR UPDATE OR DELETE ON delivery_attempts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION generation_deliveries();

-- Not counters, but the same concern, fast pages. The document page names
-- the other documents kept from the same URL, which was a scan of every
-- document on each page. A hash index: a B-tree refuses values past about
-- 2,700 bytes, which a URL may be.
CREATE INDEX documents_url ON documents USING hash (url);

-- It charts the words of every version and the class of every change of
-- the document (store.VersionPoints): read from these indexes alone, a
-- history of thousands of versions is a few pages, where their rows lie
-- all over the tables among other documents'. They replace the narrower
-- indexes of step 1 of the same names.
DROP INDEX versions_document_captured;
CREATE INDEX versions_document_captured ON versions (document_id, captured_at, id) INCLUDE (words);
DROP INDEX changes_document;
CREATE INDEX changes_document ON changes (document_id) INCLUDE (to_version_id, from_version_id, class, magnitude);
