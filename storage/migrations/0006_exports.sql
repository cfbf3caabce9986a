-- 0005_exports: every mappings export, with the rows 1stream holds after
-- its upload (the baseline "changes since the last export" compare with).

CREATE TABLE exports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('full', 'changes')),
    file        TEXT NOT NULL DEFAULT '',
    written     INTEGER NOT NULL DEFAULT 0,  -- data rows in the file
    synced_at   TEXT NOT NULL DEFAULT '',    -- pulled_at of the agents it was computed from
    rows        BLOB                         -- gob []mapping.Row (JSON decoding 10,000 rows is too slow for status); NULL once pruned
);
CREATE INDEX exports_profile ON exports (profile_id, at, id);
