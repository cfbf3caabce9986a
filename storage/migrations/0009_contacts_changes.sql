-- 0009_contacts_changes: how each stored contacts audit compared with the
-- audit before it (counts only), so the Contacts screen can still say what
-- changed after a restart. Audits stored before this version keep
-- changes_recorded = 0: what changed then is not known.
ALTER TABLE contact_snapshots ADD COLUMN changes_recorded INTEGER NOT NULL DEFAULT 0
    CHECK (changes_recorded IN (0, 1));
-- The audit compared with; NULL on a profile's first audit.
ALTER TABLE contact_snapshots ADD COLUMN previous_at TEXT;
ALTER TABLE contact_snapshots ADD COLUMN fixed_since_last INTEGER NOT NULL DEFAULT 0 CHECK (fixed_since_last >= 0);
ALTER TABLE contact_snapshots ADD COLUMN new_since_last INTEGER NOT NULL DEFAULT 0 CHECK (new_since_last >= 0);
