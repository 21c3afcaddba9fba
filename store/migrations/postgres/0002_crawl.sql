-- policywatch schema, version 2, for PostgreSQL: ../0002_crawl.sql's twin.

CREATE TABLE crawl_state (
    service       text COLLATE "C" NOT NULL CHECK (service <> ''),
    type          text COLLATE "C" NOT NULL CHECK (type <> ''),
    due_at        text COLLATE "C" NOT NULL DEFAULT '',
    last_at       text COLLATE "C" NOT NULL DEFAULT '',
    last_class    text NOT NULL DEFAULT '',
    validated_url text NOT NULL DEFAULT '',
    etag          text NOT NULL DEFAULT '',
    last_modified text NOT NULL DEFAULT '',
    PRIMARY KEY (service, type)
);

CREATE TABLE held_captures (
    document_id bigint PRIMARY KEY REFERENCES documents (id),
    fetch_id    bigint NOT NULL REFERENCES fetches (id),
    captured_at text COLLATE "C" NOT NULL,
    text_hash   text NOT NULL
);
