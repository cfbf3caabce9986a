package storage

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// markedContacts are n contacts whose names carry mark, with numbers.
func markedContacts(mark string, n int) []halo.Contact {
	out := make([]halo.Contact, n)
	for i := range out {
		out[i] = halo.Contact{ID: i + 1, FirstName: fmt.Sprintf("%s%05d", mark, i), Surname: mark + "Surname",
			Name: fmt.Sprintf("%s%05d %sSurname", mark, i, mark), Email: fmt.Sprintf("%s%05d@example.com", mark, i),
			PhoneNumber: fmt.Sprintf("+44 20 7946 %04d", i), ClientName: "Client " + mark}
	}
	return out
}

// onDisk counts mark in the database file and its -wal and -shm files as
// they are on disk.
func onDisk(t *testing.T, db *DB, mark string) int {
	t.Helper()
	n := 0
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(db.Path() + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		n += bytes.Count(b, []byte(mark))
	}
	return n
}

// Personal data that is deleted is gone from the files, not only from
// the tables: after contacts forget, after a new audit replaced the
// snapshot, and after the profile was removed, no forgotten name is left
// in the database, its write-ahead log or its shared memory file (the
// journal of contact changes' names and numbers neither), while another
// connection (the app's, say) holds the database open and has read the
// contacts.
func TestForgottenContactsAreGoneFromDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode int
	if err := db.db.QueryRow("PRAGMA auto_vacuum").Scan(&mode); err != nil || mode != 2 {
		t.Fatalf("a new database has auto_vacuum %d (%v), want 2 (incremental)", mode, err)
	}
	other, err := Open(ctx, dir) // the app, open beside a command
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p := mustProfile(t, db, "Contoso")
	store := func(mark string) {
		t.Helper()
		snap := ContactsSnapshot{ProfileID: p.ID, Region: "GB", PulledAt: time.Now(), Contacts: markedContacts(mark, 2000)}
		if err := db.ReplaceContacts(ctx, snap, ContactsSummary{Active: 2000}); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := other.Contacts(ctx, p.ID); err != nil || !ok || len(got.Contacts) != 2000 {
			t.Fatalf("the other connection reads %d contacts, %v %v", len(got.Contacts), ok, err)
		}
		if n := onDisk(t, db, mark); n == 0 {
			t.Fatalf("%s: the stored contacts are not on disk at all; the test cannot tell", mark)
		}
	}
	gone := func(what, mark string) {
		t.Helper()
		if n := onDisk(t, db, mark); n != 0 {
			t.Errorf("after %s, %d copies of the forgotten names are on disk", what, n)
		}
	}

	// The journal of contact changes (contacts fix) holds names and numbers
	// too: it goes with the contacts.
	journal := func(mark string) {
		t.Helper()
		res, err := db.db.ExecContext(ctx, `INSERT INTO contact_fix_runs (profile_id, kind, started_at, state)
			VALUES (?, 'fix', '2026-01-01T00:00:00Z', 'done')`, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		run, _ := res.LastInsertId()
		for i := range 200 {
			if _, err := db.db.ExecContext(ctx, `INSERT INTO contact_changes (run_id, seq, contact_id, contact, field, old, new, status)
				VALUES (?, ?, ?, ?, 'phonenumber', ?, '+442079460000', 'written')`,
				run, i, i+1, fmt.Sprintf("%s%05d", mark, i), fmt.Sprintf("%s-020 7946 %04d", mark, i)); err != nil {
				t.Fatal(err)
			}
		}
	}

	store("Forgotten")
	journal("Journalled")
	if dropped, err := db.ForgetContacts(ctx, p.ID); err != nil || !dropped {
		t.Fatalf("forget: %v %v", dropped, err)
	}
	gone("contacts forget", "Forgotten")
	gone("contacts forget", "Journalled")

	store("Replaced")
	store("Current")
	gone("a new audit", "Replaced")

	journal("Fixed")
	if err := db.DeleteProfile(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	gone("profile remove", "Current")
	gone("profile remove", "Fixed")

	// What was freed is given back: the file keeps the size of an empty
	// database, not that of three snapshots.
	empty, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if err := empty.checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	base, err := os.Stat(empty.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(dir, FileName)); err != nil || st.Size() > base.Size()+64<<10 {
		t.Errorf("the database file is %d bytes after everything was deleted, an empty one %d (%v)", st.Size(), base.Size(), err)
	}
}

// A database of an earlier version (no auto_vacuum, no secure_delete) is
// converted once when opened: the names its free pages still held from
// deletes back then are gone, and free pages are reclaimed from then on.
func TestOpenConvertsAnOlderDatabaseOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	p := mustProfile(t, db, "Contoso")
	db.Close()

	// As an earlier version left it: a plain connection, no secure delete.
	raw, err := sql.Open("sqlite3", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA auto_vacuum = NONE", "VACUUM",
		"INSERT INTO contact_snapshots (profile_id, pulled_at) VALUES (?, '2025-01-01T00:00:00Z')"} {
		if _, err := raw.Exec(q, p.ID); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i, c := range markedContacts("Leftover", 500) {
		if _, err := raw.Exec("INSERT INTO contacts (profile_id, id, pos, name) VALUES (?, ?, ?, ?)", p.ID, c.ID, i, c.Name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec("DELETE FROM contacts"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	old, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !bytes.Contains(old, []byte("Leftover")) {
		t.Fatal("the older database holds no deleted names; the test cannot tell")
	}

	db, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode int
	if err := db.db.QueryRow("PRAGMA auto_vacuum").Scan(&mode); err != nil || mode != 2 {
		t.Fatalf("auto_vacuum = %d (%v), want 2 (incremental)", mode, err)
	}
	if n := onDisk(t, db, "Leftover"); n != 0 {
		t.Errorf("%d deleted names are still in the converted database's files", n)
	}
	if _, err := db.Profile(ctx, p.ID); err != nil {
		t.Fatalf("the profile did not survive the conversion: %v", err)
	}
}
