-- policywatch schema, version 7, for PostgreSQL: ../0007_import_cursors.sql's twin.
CREATE TABLE import_cursors (
    source    text COLLATE "C" NOT NULL CHECK (source <> ''),
    document  text COLLATE "C" NOT NULL DEFAULT '',
    position  text NOT NULL DEFAULT '',
    at        text COLLATE "C" NOT NULL DEFAULT '',
    origin_at text COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (source, document)
);
