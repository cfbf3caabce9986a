-- 0002_halo: the last pulled Halo snapshot per profile and the history of
-- checks and syncs. pos keeps the order Halo returned the records in.

CREATE TABLE snapshots (
    profile_id  INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
    pulled_at   TEXT NOT NULL
);

CREATE TABLE agents (
    profile_id    INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    pos           INTEGER NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    firstname     TEXT NOT NULL DEFAULT '',
    surname       TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    team          TEXT NOT NULL DEFAULT '',
    teams         TEXT NOT NULL DEFAULT '',  -- JSON []halo.TeamMembership, '' when none
    departments   TEXT NOT NULL DEFAULT '',  -- JSON []halo.DepartmentMembership, '' when none
    is_disabled   INTEGER NOT NULL DEFAULT 0,
    is_api_agent  INTEGER NOT NULL DEFAULT 0,
    extension     TEXT NOT NULL DEFAULT '',
    job_title     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile_id, id)
) WITHOUT ROWID;

CREATE TABLE teams (
    profile_id       INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    id               INTEGER NOT NULL,
    pos              INTEGER NOT NULL,
    name             TEXT NOT NULL DEFAULT '',
    department_id    INTEGER NOT NULL DEFAULT 0,
    department_name  TEXT NOT NULL DEFAULT '',
    inactive         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (profile_id, id)
) WITHOUT ROWID;

CREATE TABLE departments (
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    id          INTEGER NOT NULL,
    pos         INTEGER NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile_id, id)
) WITHOUT ROWID;

CREATE TABLE organisations (
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    id          INTEGER NOT NULL,
    pos         INTEGER NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (profile_id, id)
) WITHOUT ROWID;

CREATE TABLE runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id     INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('check', 'sync')),
    started_at     TEXT NOT NULL,
    duration_ns    INTEGER NOT NULL DEFAULT 0,
    ok             INTEGER NOT NULL CHECK (ok IN (0, 1)),
    summary        TEXT NOT NULL DEFAULT '',
    agents         INTEGER NOT NULL DEFAULT 0,
    teams          INTEGER NOT NULL DEFAULT 0,
    departments    INTEGER NOT NULL DEFAULT 0,
    organisations  INTEGER NOT NULL DEFAULT 0,
    report         BLOB
);
CREATE INDEX runs_profile ON runs (profile_id, started_at, id);
CREATE INDEX runs_profile_kind ON runs (profile_id, kind, started_at, id);
