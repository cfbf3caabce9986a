package storage

import (
	"errors"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func TestUserCRUD(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	u, err := db.AddUser(ctxBG, mapping.User{ProfileID: p.ID, Extension: " 201 ", Name: " Alice ", Email: " Alice@Example.com "})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Extension != "201" || u.Name != "Alice" || u.Email != "Alice@Example.com" || userStamps(t, db, u.ID)[0] == "" {
		t.Errorf("added = %+v", u)
	}
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionUserAdded || !strings.Contains(ev.Detail, "extension 201") {
		t.Errorf("audit = %+v", ev)
	}

	for _, dup := range []mapping.User{
		{ProfileID: p.ID, Extension: "201", Name: "Other"},
		{ProfileID: p.ID, Extension: "999", Email: "alice@EXAMPLE.com"},
	} {
		_, err := db.AddUser(ctxBG, dup)
		wantErrIs(t, err, ErrDuplicateUser)
	}
	// Non-ASCII email addresses fold too.
	mustUser(t, db, p.ID, "", "Ärztin", "ÄRZTIN@praxis.de")
	_, err = db.AddUser(ctxBG, mapping.User{ProfileID: p.ID, Email: "ärztin@praxis.de"})
	wantErrIs(t, err, ErrDuplicateUser)

	for _, bad := range []mapping.User{
		{ProfileID: p.ID, Name: "No extension or email"},
		{ProfileID: p.ID, Extension: "2 01"},
		{ProfileID: p.ID, Email: "not-an-email"},
		{ProfileID: p.ID, Extension: "202", Name: "tab\tname"},
	} {
		_, err := db.AddUser(ctxBG, bad)
		wantErrIs(t, err, ErrInvalidUser)
	}
	_, err = db.AddUser(ctxBG, mapping.User{ProfileID: 999, Extension: "1"})
	wantErrIs(t, err, ErrNotFound)

	// The same extension is fine in another profile.
	other := mustProfile(t, db, "Other")
	mustUser(t, db, other.ID, "201", "Alice elsewhere", "alice@example.com")

	u.Extension, u.Name, u.Email = "210", "Alice Smith", ""
	must(t, db.UpdateUser(ctxBG, u))
	users, _ := db.Users(ctxBG, p.ID)
	if len(users) != 2 || users[0].Extension != "210" || users[0].Name != "Alice Smith" || users[0].Email != "" {
		t.Errorf("after update = %+v", users)
	}
	b := mustUser(t, db, p.ID, "202", "Bob", "bob@example.com")
	b.Extension = "210"
	wantErrIs(t, db.UpdateUser(ctxBG, b), ErrDuplicateUser)
	b.ProfileID = other.ID
	wantErrIs(t, db.UpdateUser(ctxBG, b), ErrNotFound) // user of another profile

	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u.ID, AgentID: 7, AgentName: "Alice Agent"}))
	must(t, db.DeleteUser(ctxBG, p.ID, u.ID))
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionUserDeleted || !strings.Contains(ev.Detail, "Alice Agent") {
		t.Errorf("delete audit = %+v", ev)
	}
	if n := count(t, db, "SELECT count(*) FROM mappings WHERE user_id = ?", u.ID); n != 0 {
		t.Error("mapping of deleted user kept")
	}
	wantErrIs(t, db.DeleteUser(ctxBG, p.ID, u.ID), ErrNotFound)
}

func TestUserUniquenessInSchema(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	mustUser(t, db, p.ID, "201", "A", "a@x.com")
	mustUser(t, db, p.ID, "", "B", "b@x.com")
	mustUser(t, db, p.ID, "", "C", "c@x.com") // several users without extension are fine
	for _, q := range []string{
		`INSERT INTO users (profile_id, extension, email, email_key, created_at, updated_at) VALUES (?, '201', '', '', '', '')`,
		`INSERT INTO users (profile_id, extension, email, email_key, created_at, updated_at) VALUES (?, '', 'B@x.com', 'b@x.com', '', '')`,
	} {
		if _, err := db.db.Exec(q, p.ID); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
			t.Errorf("%s: %v, want UNIQUE violation", q, err)
		}
	}
}

func TestUsersSortedByExtension(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	for _, u := range []mapping.User{
		{Extension: "10", Name: "ten"}, {Extension: "9", Name: "nine"}, {Extension: "200", Name: "two hundred"},
		{Extension: "0200", Name: "padded"}, {Extension: "ab", Name: "letters"},
		{Email: "z@x.com", Name: "zed"}, {Email: "a@x.com", Name: "Adam"},
	} {
		mustUser(t, db, p.ID, u.Extension, u.Name, u.Email)
	}
	users, err := db.Users(ctxBG, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	if got := strings.Join(names, ","); got != "nine,ten,padded,two hundred,letters,Adam,zed" {
		t.Errorf("order = %s", got)
	}
}

func TestUpsertUsers(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	alice := mustUser(t, db, p.ID, "201", "Alice", "alice@x.com")
	bob := mustUser(t, db, p.ID, "202", "Bob", "")
	bobStamps := userStamps(t, db, bob.ID)
	carl := mustUser(t, db, p.ID, "", "Carl", "carl@x.com")

	added, updated, err := db.UpsertUsers(ctxBG, p.ID, []mapping.User{
		{Extension: "201", Name: "Alice Smith"},             // by extension: new name, email kept
		{Extension: "204", Email: "CARL@x.com"},             // by email: Carl gets extension 204
		{Extension: "202", Name: "Bob"},                     // unchanged
		{Extension: "205", Name: "Dan", Email: "dan@x.com"}, // new
		{Extension: "205", Name: "Daniel"},                  // repeated in the same import: updates the new row
	})
	if err != nil {
		t.Fatal(err)
	}
	if added != 1 || updated != 3 {
		t.Errorf("added, updated = %d, %d; want 1, 3", added, updated)
	}
	users, _ := db.Users(ctxBG, p.ID)
	got := map[int64]mapping.User{}
	for _, u := range users {
		got[u.ID] = u
	}
	if len(users) != 4 {
		t.Fatalf("users = %+v", users)
	}
	if u := got[alice.ID]; u.Name != "Alice Smith" || u.Email != "alice@x.com" || u.Extension != "201" {
		t.Errorf("alice = %+v", u)
	}
	if u := got[carl.ID]; u.Extension != "204" || u.Email != "CARL@x.com" || u.Name != "Carl" {
		t.Errorf("carl = %+v", u)
	}
	if u := got[bob.ID]; userStamps(t, db, bob.ID) != bobStamps {
		t.Errorf("unchanged bob was rewritten: %+v", u)
	}
	if users[3].Name != "Daniel" || users[3].Email != "dan@x.com" {
		t.Errorf("dan = %+v", users[3])
	}
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionUsersImported || ev.Detail != "5 entries: 1 added, 3 updated, 1 unchanged" {
		t.Errorf("audit = %+v", ev)
	}

	// A conflict anywhere rolls the whole import back.
	before := count(t, db, "SELECT count(*) FROM users")
	_, _, err = db.UpsertUsers(ctxBG, p.ID, []mapping.User{
		{Extension: "300", Name: "Eve"},
		{Extension: "201", Email: "carl@x.com"}, // Alice would take Carl's email
	})
	wantErrIs(t, err, ErrDuplicateUser)
	if !strings.Contains(err.Error(), "entry 2") || !strings.Contains(err.Error(), "extension 204") {
		t.Errorf("conflict message = %q", err)
	}
	wantEntry(t, err, 2)
	if count(t, db, "SELECT count(*) FROM users") != before {
		t.Error("a failed import added users")
	}

	_, _, err = db.UpsertUsers(ctxBG, p.ID, []mapping.User{{Extension: "301"}, {Name: "nobody"}})
	wantErrIs(t, err, ErrInvalidUser)
	if !strings.Contains(err.Error(), "entry 2") {
		t.Errorf("invalid entry message = %q", err)
	}
	wantEntry(t, err, 2)
	_, _, err = db.UpsertUsers(ctxBG, 999, []mapping.User{{Extension: "1"}})
	wantErrIs(t, err, ErrNotFound)
}

// userStamps reads a user's created_at and updated_at, which the app keeps
// in the table but does not load.
func userStamps(t *testing.T, db *DB, id int64) (st [2]string) {
	t.Helper()
	if err := db.db.QueryRowContext(ctxBG, `SELECT created_at, updated_at FROM users WHERE id = ?`, id).Scan(&st[0], &st[1]); err != nil {
		t.Fatal(err)
	}
	return st
}

// wantEntry: an import's failure names its entry as a fact, not in text.
func wantEntry(t *testing.T, err error, index int) {
	t.Helper()
	var ee *EntryError
	if !errors.As(err, &ee) || ee.Index != index || ee.Err == nil {
		t.Fatalf("error %v is not entry %d's EntryError", err, index)
	}
}
