-- 0007_contacts: each profile's phone region and the contacts snapshot of
-- its last contacts audit. Contacts are personal data: they stay in this
-- file (0600) and nowhere else; the audit log carries counts only.

-- ISO 3166 alpha-2 region used to read phone numbers written without a
-- country code; '' = the OS locale's territory, decided by the app.
ALTER TABLE profiles ADD COLUMN region TEXT NOT NULL DEFAULT ''
    CHECK (region = '' OR (length(region) = 2 AND region GLOB '[A-Z][A-Z]'));

-- One row per audited profile: when and for which region the contacts were
-- pulled, and the audit's counts, so status reads one row instead of the
-- whole snapshot.
CREATE TABLE contact_snapshots (
    profile_id      INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
    pulled_at       TEXT NOT NULL,
    region          TEXT NOT NULL DEFAULT '',
    contacts        INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 0,
    missing_name    INTEGER NOT NULL DEFAULT 0,
    no_phone        INTEGER NOT NULL DEFAULT 0,
    shared_numbers  INTEGER NOT NULL DEFAULT 0,  -- numbers held by two or more active contacts
    unparseable     INTEGER NOT NULL DEFAULT 0
);

-- The contacts themselves (halo.Contact). They hang off the snapshot row,
-- not the profile, so dropping that row (forget, or the profile's delete
-- cascading to it) can never leave contacts behind. Keyed by pos, Halo's
-- order: 50,000 rows are appended and read back in key order, measured
-- faster than keying by id and sorting; id stays unique per profile.
CREATE TABLE contacts (
    profile_id          INTEGER NOT NULL REFERENCES contact_snapshots(profile_id) ON DELETE CASCADE,
    id                  INTEGER NOT NULL,
    pos                 INTEGER NOT NULL,
    name                TEXT NOT NULL DEFAULT '',
    firstname           TEXT NOT NULL DEFAULT '',
    surname             TEXT NOT NULL DEFAULT '',
    emailaddress        TEXT NOT NULL DEFAULT '',
    phonenumber         TEXT NOT NULL DEFAULT '',
    homenumber          TEXT NOT NULL DEFAULT '',
    mobilenumber        TEXT NOT NULL DEFAULT '',
    mobilenumber2       TEXT NOT NULL DEFAULT '',
    sitephonenumber     TEXT NOT NULL DEFAULT '',
    client_id           INTEGER NOT NULL DEFAULT 0,
    client_name         TEXT NOT NULL DEFAULT '',
    site_id             INTEGER NOT NULL DEFAULT 0,
    site_name           TEXT NOT NULL DEFAULT '',
    inactive            INTEGER NOT NULL DEFAULT 0,
    isserviceaccount    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (profile_id, pos),
    UNIQUE (profile_id, id)
) WITHOUT ROWID;
