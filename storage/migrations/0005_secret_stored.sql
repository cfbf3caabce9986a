-- 0005_secret_stored: whether a Client Secret was stored in the keyring for
-- the profile, so removing a profile that never had one does not need the
-- keyring. NULL is "not known" (profiles from before this migration, or a
-- keyring write whose outcome is unknown): those still ask the keyring.
-- New profiles start at 0: their IDs are never reused (0001, 0004).
ALTER TABLE profiles ADD COLUMN secret_stored INTEGER DEFAULT 0 CHECK (secret_stored IN (0, 1));
UPDATE profiles SET secret_stored = NULL;
