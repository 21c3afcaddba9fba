-- policywatch schema, step 14, for PostgreSQL: ../0014_work_queue.sql's twin.
ALTER TABLE crawl_state ADD COLUMN lease_owner text NOT NULL DEFAULT '';
ALTER TABLE crawl_state ADD COLUMN lease_until text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE crawl_state ADD COLUMN host text COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX crawl_state_due ON crawl_state (due_at);

CREATE TABLE host_turns (
    host       text COLLATE "C" PRIMARY KEY CHECK (host <> ''),
    holder     text NOT NULL DEFAULT '',
    held_until text COLLATE "C" NOT NULL DEFAULT '',
    free_at    text COLLATE "C" NOT NULL DEFAULT ''
);
