-- 0012_contacts_halo: which Halo (its canonical base URL) each stored
-- contacts audit pulled from, so what a probe learnt of that Halo's phone
-- search is kept only for later audits of the same Halo. '' for audits
-- stored before this version: not known, never kept.
ALTER TABLE contact_snapshots ADD COLUMN halo_base TEXT NOT NULL DEFAULT '';
