-- policywatch schema, version 3: a change keeps what tells it, computed once
-- when its version is placed: the magnitude of the class, the story (JSON:
-- sections added, removed, renamed, moved and rewritten, substitutions,
-- effective-date sentences, changed sentences), a bounded HTML excerpt of
-- the changed sections for feeds and e-mail, and the diff release that
-- computed them (an older release's changes are computed again).
ALTER TABLE changes ADD COLUMN magnitude TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN story TEXT NOT NULL DEFAULT '' CHECK (story = '' OR json_valid(story));
ALTER TABLE changes ADD COLUMN excerpt TEXT NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN excerpt_truncated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE changes ADD COLUMN differ TEXT NOT NULL DEFAULT '';
