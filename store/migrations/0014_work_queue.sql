-- policywatch schema, step 14: a work queue shared by crawler processes
-- (policywatch worker), mostly on PostgreSQL, where many machines write one
-- archive.
--
-- A worker leases a due document (crawl_state row) for a while:
-- lease_owner names the worker, lease_until when the lease runs out; a
-- worker that dies loses its leases when they run out and another takes
-- them. host is the host the document is fetched from ("host:port" of its
-- first URL), so that the queue can tell what one host has due.
ALTER TABLE crawl_state ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE crawl_state ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
ALTER TABLE crawl_state ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE INDEX crawl_state_due ON crawl_state (due_at);

-- Politeness across workers: one request at a time to a host, and a pause
-- after each. A worker takes a host's turn (holder, held_until: when the
-- turn runs out if the worker dies holding it) and, when its request has
-- ended, gives it back with free_at, the earliest time of the next one.
CREATE TABLE host_turns (
    host       TEXT PRIMARY KEY CHECK (host <> ''),
    holder     TEXT NOT NULL DEFAULT '',
    held_until TEXT NOT NULL DEFAULT '',
    free_at    TEXT NOT NULL DEFAULT ''
);
