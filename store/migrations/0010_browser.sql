-- policywatch schema, step 10: pages rendered in a browser.
--
-- method says how a crawled page was fetched: 'http' (the server's bytes)
-- or 'browser' (the DOM headless Chromium rendered after the page's
-- scripts ran); '' for captures that were not crawled, and for fetches
-- recorded before this step.
ALTER TABLE fetches ADD COLUMN method TEXT NOT NULL DEFAULT '' CHECK (method IN ('', 'http', 'browser'));

-- A full-page PNG of a rendered page, stored once under its SHA-256 (PNG
-- is compressed already: the bytes are kept as they are). A fetch names
-- the screenshot taken with it.
CREATE TABLE screenshots (
    hash   TEXT PRIMARY KEY CHECK (length(hash) = 64),
    width  INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    size   INTEGER NOT NULL CHECK (size > 0),
    png    BLOB NOT NULL
);

ALTER TABLE fetches ADD COLUMN screenshot_hash TEXT REFERENCES screenshots (hash);
