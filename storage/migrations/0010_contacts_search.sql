-- 0010_contacts_search: what each stored contacts audit learnt of Halo's
-- phone search (a probe of at most three searches) and how many contacts
-- that search misses. Audits stored before this version keep
-- search_probe = '': not probed.

-- 'text': Halo matches the stored text; 'numbers': Halo compares numbers;
-- '': not known (see search_probe).
ALTER TABLE contact_snapshots ADD COLUMN halo_search TEXT NOT NULL DEFAULT ''
    CHECK (halo_search IN ('', 'text', 'numbers'));
-- What the probe observed (contacts.ProbeOutcome).
ALTER TABLE contact_snapshots ADD COLUMN search_probe TEXT NOT NULL DEFAULT ''
    CHECK (search_probe IN ('', 'found_by_caller_id', 'missed_by_caller_id', 'no_number_to_probe',
        'not_found', 'search_refused', 'search_failed'));
-- Active contacts with a number neither caller-ID form finds; only ever
-- counted when halo_search = 'text'.
ALTER TABLE contact_snapshots ADD COLUMN search_miss INTEGER NOT NULL DEFAULT 0
    CHECK (search_miss >= 0 AND (search_miss = 0 OR halo_search = 'text'));
