-- chats-worker: presence has its own clock in the profile replica.
-- Retries and replays can deliver a user's events out of order. With one updated_at for
-- the whole row, a late user.updated older than a newer presence change would be dropped
-- (or the other way round); with one timestamp per part, each part only moves forward.
-- A presence event that arrives before the user's registration creates a placeholder
-- row (empty names, updated_at = -infinity) that the registration then fills in.
ALTER TABLE user_profiles ADD COLUMN presence_updated_at timestamptz NOT NULL DEFAULT '-infinity';
UPDATE user_profiles SET presence_updated_at = updated_at;
