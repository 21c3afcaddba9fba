-- policywatch schema, step 12, for PostgreSQL: ../0012_document_counts.sql's
-- twin. One trigger function serves the three triggers SQLite has.
ALTER TABLE documents ADD COLUMN version_count bigint NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN last_captured_at text COLLATE "C" NOT NULL DEFAULT '';

UPDATE documents SET
    version_count = (SELECT count(*) FROM versions v WHERE v.document_id = documents.id),
    last_captured_at = coalesce((SELECT max(v.captured_at) FROM versions v WHERE v.document_id = documents.id), '');

-- Times are fixed-width UTC text in byte order (COLLATE "C"): their text
-- order is time order.
CREATE FUNCTION versions_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE documents SET version_count = version_count + 1,
            last_captured_at = greatest(last_captured_at, NEW.captured_at)
        WHERE id = NEW.document_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE documents SET version_count = version_count - 1,
            last_captured_at = coalesce((SELECT max(captured_at) FROM versions WHERE document_id = OLD.document_id), '')
        WHERE id = OLD.document_id;
    ELSE
        UPDATE documents SET
            version_count = (SELECT count(*) FROM versions WHERE document_id = documents.id),
            last_captured_at = coalesce((SELECT max(captured_at) FROM versions WHERE document_id = documents.id), '')
        WHERE id IN (OLD.document_id, NEW.document_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER versions_counted_on_insert AFTER INSERT ON versions
    FOR EACH ROW EXECUTE FUNCTION versions_counted();

CREATE TRIGGER versions_counted_on_delete AFTER DELETE ON versions
    FOR EACH ROW EXECUTE FUNCTION versions_counted();

CREATE TRIGGER versions_counted_on_move AFTER UPDATE OF captured_at, document_id ON versions
    FOR EACH ROW EXECUTE FUNCTION versions_counted();
