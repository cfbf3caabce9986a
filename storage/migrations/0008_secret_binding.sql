-- 0008_secret_binding: where a profile's Client Secret may be sent. dest is
-- the destination it was entered for (halo.Destination's canonical form:
-- the Halo URL's origin, a hand-set auth server's origin, the CA file's
-- SHA-256); seal is an HMAC of dest keyed by the secret itself, so an edit
-- of this file cannot move the secret elsewhere. Secrets stored before
-- this migration have no binding: they are not sent until the admin
-- enters them again or confirms them (profile set --keep-secret).
ALTER TABLE profiles ADD COLUMN secret_dest TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN secret_seal TEXT NOT NULL DEFAULT '';
