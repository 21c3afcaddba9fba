-- policywatch schema, step 10, for PostgreSQL: ../0010_browser.sql's twin.
ALTER TABLE fetches ADD COLUMN method text NOT NULL DEFAULT '' CHECK (method IN ('', 'http', 'browser'));

-- PNG is compressed already: the bytes are kept as they are.
CREATE TABLE screenshots (
    hash   text COLLATE "C" PRIMARY KEY CHECK (length(hash) = 64),
    width  bigint NOT NULL CHECK (width > 0),
    height bigint NOT NULL CHECK (height > 0),
    size   bigint NOT NULL CHECK (size > 0),
    png    bytea NOT NULL
);

ALTER TABLE fetches ADD COLUMN screenshot_hash text COLLATE "C" REFERENCES screenshots (hash);
