-- Profile IDs are the keyring account of each profile's Client Secret, and
-- the keyring is shared by every database on the machine (another
-- --data-dir, a fresh database after "move aside"). Starting each
-- database's IDs at a random point keeps two databases from ever handing
-- out the same ID, so one profile can never read, replace or delete
-- another's secret. Kept below 2^52 so IDs stay exact in JSON.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'profiles', 1000000 + abs(random() % 4000000000000000)
WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'profiles');
