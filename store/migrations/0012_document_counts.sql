-- policywatch schema, version 12: each document keeps how many versions it
-- has and when the newest was captured, kept up to date by triggers, so
-- that lists of documents (the home page lists 400 at a time) do not
-- count every document's versions again on every request.
ALTER TABLE documents ADD COLUMN version_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN last_captured_at TEXT NOT NULL DEFAULT '';

UPDATE documents SET
    version_count = (SELECT count(*) FROM versions v WHERE v.document_id = documents.id),
    last_captured_at = ifnull((SELECT max(v.captured_at) FROM versions v WHERE v.document_id = documents.id), '');

-- Times are fixed-width UTC text: their text order is time order.
CREATE TRIGGER versions_counted_on_insert AFTER INSERT ON versions BEGIN
    UPDATE documents SET version_count = version_count + 1, last_captured_at = max(last_captured_at, NEW.captured_at)
    WHERE id = NEW.document_id;
END;

CREATE TRIGGER versions_counted_on_delete AFTER DELETE ON versions BEGIN
    UPDATE documents SET version_count = version_count - 1,
        last_captured_at = ifnull((SELECT max(captured_at) FROM versions WHERE document_id = OLD.document_id), '')
    WHERE id = OLD.document_id;
END;

CREATE TRIGGER versions_counted_on_move AFTER UPDATE OF captured_at, document_id ON versions BEGIN
    UPDATE documents SET
        version_count = (SELECT count(*) FROM versions WHERE document_id = documents.id),
        last_captured_at = ifnull((SELECT max(captured_at) FROM versions WHERE document_id = documents.id), '')
    WHERE id IN (OLD.document_id, NEW.document_id);
END;
