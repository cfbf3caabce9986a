-- 0003_mapping: 1stream phone users and their mapping to Halo agents.

CREATE TABLE users (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    extension   TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    -- strings.ToLower(email), computed in Go so non-ASCII addresses fold too.
    email_key   TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    -- Target of the mappings foreign key, which pins a mapping to a user of
    -- the same profile.
    UNIQUE (id, profile_id)
);
CREATE INDEX users_profile ON users (profile_id);
CREATE UNIQUE INDEX users_extension ON users (profile_id, extension) WHERE extension <> '';
CREATE UNIQUE INDEX users_email ON users (profile_id, email_key) WHERE email_key <> '';

-- One agent per user (primary key) and one user per agent (unique).
-- Agents are not a foreign key: a mapping survives a pull in which the
-- agent is missing, so the app can show it as stale instead of losing it.
CREATE TABLE mappings (
    user_id      INTEGER PRIMARY KEY,
    profile_id   INTEGER NOT NULL,
    agent_id     INTEGER NOT NULL,
    agent_name   TEXT NOT NULL DEFAULT '',
    agent_email  TEXT NOT NULL DEFAULT '',
    matched_by   TEXT NOT NULL DEFAULT '',
    mapped_at    TEXT NOT NULL,
    UNIQUE (profile_id, agent_id),
    FOREIGN KEY (user_id, profile_id) REFERENCES users (id, profile_id) ON DELETE CASCADE
);
