-- 0011_contact_fix: the journal of the app's writes to Halo (contacts fix,
-- an edit of one contact, and their undo), each profile's fix settings,
-- and history kinds for fix and undo runs. The journal holds names and
-- numbers (what undo restores): it lives and dies with the contacts
-- snapshot (contacts forget and profile removal delete it); the history
-- and the audit log carry counts only.

-- The format numbers are rewritten to, and the share of Halo's rate limit
-- bulk work takes (0 = the app's default, 50 %).
ALTER TABLE profiles ADD COLUMN fix_format TEXT NOT NULL DEFAULT 'e164'
    CHECK (fix_format IN ('e164', 'national'));
ALTER TABLE profiles ADD COLUMN rate_share INTEGER NOT NULL DEFAULT 0
    CHECK (rate_share = 0 OR rate_share BETWEEN 25 AND 100);

-- One row per write run. state: running until it ends (a row left running
-- belongs to a process that died mid-run), then done, cancelled or failed.
-- undo_of: the run an undo restores.
CREATE TABLE contact_fix_runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id       INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('fix', 'edit', 'undo')),
    undo_of          INTEGER REFERENCES contact_fix_runs(id) ON DELETE CASCADE,
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    state            TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled', 'failed')),
    format           TEXT NOT NULL DEFAULT '',
    region           TEXT NOT NULL DEFAULT '',
    planned          INTEGER NOT NULL DEFAULT 0 CHECK (planned >= 0),
    written          INTEGER NOT NULL DEFAULT 0 CHECK (written >= 0),
    skipped_changed  INTEGER NOT NULL DEFAULT 0 CHECK (skipped_changed >= 0),
    failed           INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
    error_kind       TEXT NOT NULL DEFAULT ''   -- why it stopped (halo.ErrorKind), never a name or number
);
CREATE INDEX contact_fix_runs_profile ON contact_fix_runs (profile_id, id);
CREATE UNIQUE INDEX contact_fix_runs_undo ON contact_fix_runs (undo_of) WHERE undo_of IS NOT NULL;

-- One row per change, written before any request of the run leaves.
-- sent_at is set, and committed, before the request carrying the change
-- leaves: a change with sent_at and still 'planned' belongs to a request
-- whose answer never came (undo then asks Halo what it holds).
CREATE TABLE contact_changes (
    run_id      INTEGER NOT NULL REFERENCES contact_fix_runs(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL CHECK (contact_id > 0),
    contact     TEXT NOT NULL DEFAULT '',
    client      TEXT NOT NULL DEFAULT '',
    field       TEXT NOT NULL CHECK (field IN ('phonenumber', 'homenumber', 'mobilenumber', 'mobilenumber2', 'firstname', 'surname')),
    old         TEXT NOT NULL,
    new         TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('planned', 'written', 'failed', 'skipped_changed')),
    sent_at     TEXT,
    reason      TEXT NOT NULL DEFAULT '',   -- why failed: an error kind or the answer's shape, never a name or number
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- The history gains the fix and undo kinds: SQLite cannot alter a CHECK,
-- so runs is rebuilt with its rows, ids and indexes.
CREATE TABLE runs_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id     INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('check', 'sync', 'contacts_fix', 'contacts_undo')),
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
INSERT INTO runs_new (id, profile_id, kind, started_at, duration_ns, ok, summary, agents, teams, departments, organisations, report)
    SELECT id, profile_id, kind, started_at, duration_ns, ok, summary, agents, teams, departments, organisations, report FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_profile ON runs (profile_id, started_at, id);
CREATE INDEX runs_profile_kind ON runs (profile_id, kind, started_at, id);
