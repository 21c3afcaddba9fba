-- policywatch schema, step 15: the leased documents by index.
--
-- An idle worker asks the queue, every few seconds per lane, whether
-- anything is leased and when the first lease runs out, and renews its own
-- leases by owner: without an index each was a scan of every declared
-- document. Only leased rows are in it, a few per worker.
CREATE INDEX crawl_state_leased ON crawl_state (lease_owner, lease_until) WHERE lease_owner <> '';
