-- policywatch schema, step 15: two reads made by index.
--
-- An idle worker asks the queue, every few seconds per lane, whether
-- anything is leased and when the first lease runs out, and renews its own
-- leases by owner: without an index each was a scan of every declared
-- document. Only leased rows are in it, a few per worker.
CREATE INDEX crawl_state_leased ON crawl_state (lease_owner, lease_until) WHERE lease_owner <> '';

-- A version page says how its capture was fetched: the first fetch that
-- received its snapshot. Without this index that read every fetch of the
-- document (1.2 ms a page on a document fetched 2,000 times); it costs
-- about 80 bytes a fetch.
CREATE INDEX fetches_snapshot ON fetches (document_id, snapshot_hash);
