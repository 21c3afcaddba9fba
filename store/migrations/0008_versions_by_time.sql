-- policywatch schema, version 8: versions in capture order across
-- documents, so that the newest changes of the whole archive (the home
-- page, the site's feed) are read from the end of an index instead of by
-- sorting every change.
CREATE INDEX versions_captured ON versions (captured_at, id);
