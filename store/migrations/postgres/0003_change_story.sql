-- policywatch schema, version 3, for PostgreSQL: ../0003_change_story.sql's twin.
ALTER TABLE changes ADD COLUMN magnitude text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN story text NOT NULL DEFAULT '' CHECK (story = '' OR story::jsonb IS NOT NULL);
ALTER TABLE changes ADD COLUMN excerpt text NOT NULL DEFAULT '';
ALTER TABLE changes ADD COLUMN excerpt_truncated boolean NOT NULL DEFAULT false;
ALTER TABLE changes ADD COLUMN differ text NOT NULL DEFAULT '';
