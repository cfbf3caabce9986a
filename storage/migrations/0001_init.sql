-- 0001_init: connection profiles, app settings, per-profile checklist and the audit log.
-- All timestamps are UTC RFC 3339 text with a fixed nine-digit fraction, so
-- they sort as text in the same order as in time.

-- AUTOINCREMENT so a deleted profile's ID is never reused: the Client Secret
-- lives in the OS keyring under the profile ID, and a stale keyring entry
-- (e.g. the keyring was unavailable at delete time) must never attach itself
-- to a new profile.
CREATE TABLE profiles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    -- strings.ToLower(strings.TrimSpace(name)), computed in Go because
    -- SQLite's lower() and NOCASE only fold ASCII.
    name_key    TEXT NOT NULL UNIQUE,
    halo_url    TEXT NOT NULL DEFAULT '',
    client_id   TEXT NOT NULL DEFAULT '',
    tenant      TEXT NOT NULL DEFAULT '',
    auth_url    TEXT NOT NULL DEFAULT '',
    scope       TEXT NOT NULL DEFAULT '',
    ca_file     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE checklist (
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    step_id     TEXT NOT NULL,
    done        INTEGER NOT NULL CHECK (done IN (0, 1)),
    done_by     TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    PRIMARY KEY (profile_id, step_id)
) WITHOUT ROWID;

-- The audit log outlives the profiles it mentions: profile_id has no foreign
-- key and profile_name keeps the name as it was at the time.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    profile_id    INTEGER,
    profile_name  TEXT NOT NULL DEFAULT '',
    actor         TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_profile ON audit_log (profile_id, id);

-- Append-only. A later migration that must reshape audit_log has to drop
-- these triggers first and recreate them afterwards.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
