-- policywatch schema, step 11: the response headers a fetch received that
-- say what the page was and when (Date, Server, Content-Type,
-- Last-Modified, ETag, …; capture.KeptHeaders), as an HTTP header block of
-- "Name: value" lines, so that a WARC export writes response records with
-- the original headers. Empty when none were received or kept (imports,
-- fetches made before this step).
ALTER TABLE fetches ADD COLUMN headers TEXT NOT NULL DEFAULT '';
