-- policywatch schema, step 16: when a subscription's daily digest goes out.
--
-- digest_at is the time of day and the IANA time zone, "08:00
-- Europe/Paris": each day at that time the digest takes the changes queued
-- before it. Empty is midnight UTC, as digests went out before this step.
ALTER TABLE subscriptions ADD COLUMN digest_at TEXT NOT NULL DEFAULT '';
