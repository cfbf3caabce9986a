package storage

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// makeContacts returns n contacts with every field filled in a way that
// differs per contact, IDs descending so stored order is not ID order.
func makeContacts(n int) []halo.Contact {
	cs := make([]halo.Contact, n)
	for i := range cs {
		cs[i] = halo.Contact{
			ID:               900000 - i*7,
			Name:             fmt.Sprintf("Contact Person %d", i),
			FirstName:        fmt.Sprintf("Contact%d", i),
			Surname:          fmt.Sprintf("Person%d", i),
			Email:            fmt.Sprintf("contact%d@customer%d.example", i, i%250),
			PhoneNumber:      fmt.Sprintf("020 7946 %04d", i%10000),
			HomeNumber:       fmt.Sprintf("01632 %06d", i),
			MobileNumber:     fmt.Sprintf("+44 7700 %06d", i),
			MobileNumber2:    fmt.Sprintf("07700 9%05d", i%100000),
			SitePhone:        fmt.Sprintf("+44 161 496 %04d", i%250),
			ClientID:         100 + i%250,
			ClientName:       fmt.Sprintf("Customer %d Ltd", i%250),
			SiteID:           1000 + i%700,
			SiteName:         fmt.Sprintf("Site %d — Tōkyō", i%700),
			Inactive:         i%17 == 0,
			IsServiceAccount: i%23 == 0,
		}
	}
	return cs
}

func contactsSnap(profileID int64, n int, at time.Time) (ContactsSnapshot, ContactsSummary) {
	snap := ContactsSnapshot{ProfileID: profileID, PulledAt: at, Region: "GB", Contacts: makeContacts(n)}
	return snap, ContactsSummary{Active: n * 9 / 10, MissingName: n / 50, NoPhone: n / 40, SharedNumbers: n / 100, Unparseable: n / 30}
}

func TestContactsRoundTrip(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")

	snap, ok, err := db.Contacts(ctxBG, p.ID)
	if err != nil || ok || snap.Contacts == nil || len(snap.Contacts) != 0 || !snap.PulledAt.IsZero() {
		t.Fatalf("never audited: %+v, %v, %v", snap, ok, err)
	}
	if sum, ok, err := db.ContactsSummary(ctxBG, p.ID); err != nil || ok || sum != (ContactsSummary{}) {
		t.Fatalf("never audited summary: %+v, %v, %v", sum, ok, err)
	}

	pulled := time.Date(2026, 11, 27, 14, 15, 16, 123456789, time.FixedZone("CET", 3600))
	want, sum := contactsSnap(p.ID, 1000, pulled)
	want.Contacts[0] = halo.Contact{ID: 5} // every optional field empty
	want.Contacts[1].Inactive, want.Contacts[1].IsServiceAccount = true, true
	must(t, db.ReplaceContacts(ctxBG, want, sum))

	got, ok, err := db.Contacts(ctxBG, p.ID)
	if err != nil || !ok {
		t.Fatalf("Contacts: %v, %v", ok, err)
	}
	if !got.PulledAt.Equal(pulled) || got.Region != "GB" || got.ProfileID != p.ID {
		t.Errorf("snapshot header = %v %q %d, want %v GB %d", got.PulledAt, got.Region, got.ProfileID, pulled, p.ID)
	}
	if !reflect.DeepEqual(got.Contacts, want.Contacts) {
		t.Errorf("contacts differ: %d/%d; first %+v vs %+v", len(got.Contacts), len(want.Contacts), got.Contacts[1], want.Contacts[1])
	}

	gotSum, ok, err := db.ContactsSummary(ctxBG, p.ID)
	wantSum := ContactsSummary{At: pulled, Region: "GB", Contacts: 1000, Active: 900, MissingName: 20, NoPhone: 25, SharedNumbers: 10, Unparseable: 33}
	if err != nil || !ok || !gotSum.At.Equal(pulled) {
		t.Fatalf("ContactsSummary = %+v, %v, %v", gotSum, ok, err)
	}
	gotSum.At = wantSum.At
	if gotSum != wantSum {
		t.Errorf("summary = %+v, want %+v", gotSum, wantSum)
	}
	if n := gotSum.Problems(); n != 20+25+10+33 {
		t.Errorf("Problems() = %d, want 88", n)
	}

	// A re-audit replaces everything, in the order given; a summary given
	// in full (At, Region, Contacts) is accepted when it matches.
	later := pulled.Add(24 * time.Hour)
	small := ContactsSnapshot{ProfileID: p.ID, PulledAt: later, Region: "US",
		Contacts: []halo.Contact{{ID: 9, Surname: "Nine"}, {ID: 3, FirstName: "Three"}}}
	must(t, db.ReplaceContacts(ctxBG, small, ContactsSummary{At: later, Region: "US", Contacts: 2, Active: 2, MissingName: 2}))
	got, _, _ = db.Contacts(ctxBG, p.ID)
	if !reflect.DeepEqual(got.Contacts, small.Contacts) || got.Region != "US" || !got.PulledAt.Equal(later) {
		t.Errorf("re-audit = %+v", got)
	}
	gotSum, _, _ = db.ContactsSummary(ctxBG, p.ID)
	if gotSum.Contacts != 2 || gotSum.Active != 2 || gotSum.MissingName != 2 || gotSum.NoPhone != 0 || gotSum.Problems() != 2 || gotSum.Region != "US" {
		t.Errorf("re-audit summary = %+v", gotSum)
	}
	if n := count(t, db, "SELECT count(*) FROM contacts WHERE profile_id = ?", p.ID); n != 2 {
		t.Errorf("%d contact rows after the re-audit, want 2", n)
	}

	// What changed since the audit before is stored with the counts; an
	// audit stored without it reads back as not recorded.
	if gotSum.Changes != (ContactsChanges{}) {
		t.Errorf("changes not given, read back as %+v", gotSum.Changes)
	}
	ch := ContactsChanges{Recorded: true, PreviousAt: later, Fixed: 3, New: 1}
	must(t, db.ReplaceContacts(ctxBG, ContactsSnapshot{ProfileID: p.ID, PulledAt: later.Add(time.Hour), Region: "US",
		Contacts: small.Contacts}, ContactsSummary{Active: 2, Changes: ch}))
	gotSum, _, _ = db.ContactsSummary(ctxBG, p.ID)
	if g := gotSum.Changes; !g.PreviousAt.Equal(ch.PreviousAt) || g.Recorded != ch.Recorded || g.Fixed != ch.Fixed || g.New != ch.New {
		t.Errorf("changes = %+v, want %+v", g, ch)
	}

	// An audit that found no contacts at all is still an audit.
	must(t, db.ReplaceContacts(ctxBG, ContactsSnapshot{ProfileID: p.ID, Region: "GB"}, ContactsSummary{}))
	got, ok, err = db.Contacts(ctxBG, p.ID)
	if err != nil || !ok || got.Contacts == nil || len(got.Contacts) != 0 || got.PulledAt.IsZero() {
		t.Errorf("empty audit = %+v, %v, %v", got, ok, err)
	}

	_, _, err = db.Contacts(ctxBG, 999)
	wantErrIs(t, err, ErrNotFound)
	_, _, err = db.ContactsSummary(ctxBG, 999)
	wantErrIs(t, err, ErrNotFound)
	_, err = db.ForgetContacts(ctxBG, 999)
	wantErrIs(t, err, ErrNotFound)
	wantErrIs(t, db.ReplaceContacts(ctxBG, ContactsSnapshot{ProfileID: 999, Region: "GB"}, ContactsSummary{}), ErrNotFound)
}

func TestReplaceContactsIsAtomic(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	firstAt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	first, firstSum := contactsSnap(p.ID, 300, firstAt)
	must(t, db.ReplaceContacts(ctxBG, first, firstSum))
	auditBefore := lastAudit(t, db, p.ID)

	intact := func(t *testing.T) {
		t.Helper()
		got, ok, err := db.Contacts(ctxBG, p.ID)
		if err != nil || !ok {
			t.Fatalf("Contacts: %v, %v", ok, err)
		}
		if !got.PulledAt.Equal(firstAt) || !reflect.DeepEqual(got.Contacts, first.Contacts) {
			t.Errorf("previous snapshot not intact: %d contacts, pulled %v", len(got.Contacts), got.PulledAt)
		}
		sum, _, _ := db.ContactsSummary(ctxBG, p.ID)
		if sum.Contacts != 300 || sum.Active != firstSum.Active || !sum.At.Equal(firstAt) {
			t.Errorf("previous summary not intact: %+v", sum)
		}
		if ev := lastAudit(t, db, p.ID); ev.ID != auditBefore.ID {
			t.Errorf("a failed replace was audited: %+v", ev)
		}
	}

	for _, tc := range []struct {
		name    string
		dup     int // index that gets the ID of contact 10
		wantMsg string
	}{
		{"duplicate in the first batch", 20, "contact 899930 appears twice"},
		{"duplicate in a later batch", 500, "contact 899930 appears twice"},
		{"duplicate as the last contact", 599, "contact 899930 appears twice"}, // after every other row was written
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, sum := contactsSnap(p.ID, 600, time.Now())
			snap.Contacts[tc.dup].ID = snap.Contacts[10].ID
			err := db.ReplaceContacts(ctxBG, snap, sum)
			wantErrIs(t, err, ErrInvalid)
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q lacks %q", err, tc.wantMsg)
			}
			intact(t)
		})
	}

	t.Run("write fails half-way", func(t *testing.T) {
		if _, err := db.db.Exec(`CREATE TRIGGER fail_contact BEFORE INSERT ON contacts WHEN NEW.pos = 400
			BEGIN SELECT RAISE(ABORT, 'disk gone'); END`); err != nil {
			t.Fatal(err)
		}
		defer db.db.Exec("DROP TRIGGER fail_contact")
		snap, sum := contactsSnap(p.ID, 600, time.Now())
		if err := db.ReplaceContacts(ctxBG, snap, sum); err == nil || !strings.Contains(err.Error(), "disk gone") {
			t.Fatalf("error = %v, want the injected failure", err)
		}
		intact(t)
	})

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctxBG)
		cancel()
		snap, sum := contactsSnap(p.ID, 600, time.Now())
		if err := db.ReplaceContacts(ctx, snap, sum); err == nil {
			t.Fatal("ReplaceContacts with a cancelled context succeeded")
		}
		intact(t)
	})
}

func TestReplaceContactsRejectsBadInput(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	snap, _ := contactsSnap(p.ID, 10, at)
	for name, tc := range map[string]struct {
		region string
		sum    ContactsSummary
	}{
		"no region":             {"", ContactsSummary{}},
		"lower-case region":     {"gb", ContactsSummary{}},
		"three-letter region":   {"GBR", ContactsSummary{}},
		"other summary region":  {"GB", ContactsSummary{Region: "US"}},
		"other summary time":    {"GB", ContactsSummary{At: at.Add(time.Second)}},
		"wrong contacts count":  {"GB", ContactsSummary{Contacts: 11}},
		"more active than all":  {"GB", ContactsSummary{Active: 11}},
		"negative count":        {"GB", ContactsSummary{Active: 5, Unparseable: -1}},
		"more missing names":    {"GB", ContactsSummary{Active: 5, MissingName: 6}},
		"more without a number": {"GB", ContactsSummary{Active: 5, NoPhone: 6}},
		"changes not recorded":  {"GB", ContactsSummary{Changes: ContactsChanges{Fixed: 1, PreviousAt: at.Add(-time.Hour)}}},
		"negative changes":      {"GB", ContactsSummary{Changes: ContactsChanges{Recorded: true, PreviousAt: at.Add(-time.Hour), New: -1}}},
		"first with changes":    {"GB", ContactsSummary{Changes: ContactsChanges{Recorded: true, Fixed: 2}}},
	} {
		t.Run(name, func(t *testing.T) {
			s := snap
			s.Region = tc.region
			wantErrIs(t, db.ReplaceContacts(ctxBG, s, tc.sum), ErrInvalid)
		})
	}
	if _, ok, _ := db.Contacts(ctxBG, p.ID); ok {
		t.Error("a rejected audit was stored")
	}
	// The same time in another zone is the same instant.
	must(t, db.ReplaceContacts(ctxBG, snap, ContactsSummary{At: at.In(time.FixedZone("EST", -5*3600)), Active: 10}))
}

func TestContactsPerProfile(t *testing.T) {
	db := openTest(t)
	a, b := mustProfile(t, db, "Acme"), mustProfile(t, db, "Beta")
	snapA, sumA := contactsSnap(a.ID, 120, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	snapB, sumB := contactsSnap(b.ID, 80, time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC))
	snapB.Region = "US"
	snapB.Contacts[0].FirstName = "Only in Beta"
	must(t, db.ReplaceContacts(ctxBG, snapA, sumA))
	must(t, db.ReplaceContacts(ctxBG, snapB, sumB))

	// Re-auditing A with fewer contacts leaves B's alone.
	snapA2, sumA2 := contactsSnap(a.ID, 5, time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC))
	must(t, db.ReplaceContacts(ctxBG, snapA2, sumA2))
	gotB, ok, err := db.Contacts(ctxBG, b.ID)
	if err != nil || !ok || !reflect.DeepEqual(gotB.Contacts, snapB.Contacts) || gotB.Region != "US" {
		t.Fatalf("Beta's contacts changed: %d, %v, %v", len(gotB.Contacts), ok, err)
	}
	gotA, _, _ := db.Contacts(ctxBG, a.ID)
	if !reflect.DeepEqual(gotA.Contacts, snapA2.Contacts) {
		t.Errorf("Acme has %d contacts, want 5", len(gotA.Contacts))
	}

	if dropped, err := db.ForgetContacts(ctxBG, a.ID); err != nil || !dropped {
		t.Fatalf("ForgetContacts(Acme) = %v, %v", dropped, err)
	}
	if sum, ok, err := db.ContactsSummary(ctxBG, b.ID); err != nil || !ok || sum.Contacts != 80 || sum.Region != "US" {
		t.Errorf("Beta's summary after forgetting Acme = %+v, %v, %v", sum, ok, err)
	}
	if _, ok, _ := db.ContactsSummary(ctxBG, a.ID); ok {
		t.Error("Acme still has a summary after forget")
	}
}

func TestForgetContacts(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	if dropped, err := db.ForgetContacts(ctxBG, p.ID); err != nil || dropped {
		t.Fatalf("forget before any audit = %v, %v", dropped, err)
	}
	before := lastAudit(t, db, p.ID)
	if before.Action == ActionContactsForgotten {
		t.Error("forgetting nothing was audited")
	}

	snap, sum := contactsSnap(p.ID, 250, time.Now())
	must(t, db.ReplaceContacts(ctxBG, snap, sum))
	if dropped, err := db.ForgetContacts(ctxBG, p.ID); err != nil || !dropped {
		t.Fatalf("ForgetContacts = %v, %v", dropped, err)
	}
	if got, ok, err := db.Contacts(ctxBG, p.ID); err != nil || ok || len(got.Contacts) != 0 {
		t.Errorf("after forget: %d contacts, %v, %v", len(got.Contacts), ok, err)
	}
	if n := count(t, db, "SELECT count(*) FROM contacts") + count(t, db, "SELECT count(*) FROM contact_snapshots"); n != 0 {
		t.Errorf("%d contact rows left after forget", n)
	}
	ev := lastAudit(t, db, p.ID)
	if ev.Action != ActionContactsForgotten || ev.ProfileName != "Acme" || !strings.Contains(ev.Detail, "250 contacts, 225 active") {
		t.Errorf("audit = %+v", ev)
	}
	if dropped, err := db.ForgetContacts(ctxBG, p.ID); err != nil || dropped {
		t.Errorf("second forget = %v, %v", dropped, err)
	}
	if again := lastAudit(t, db, p.ID); again.ID != ev.ID {
		t.Errorf("forgetting nothing was audited: %+v", again)
	}
}

func TestContactsGoWithTheProfile(t *testing.T) {
	db := openTest(t)
	gone, kept := mustProfile(t, db, "Gone"), mustProfile(t, db, "Kept")
	for _, p := range []Profile{gone, kept} {
		snap, sum := contactsSnap(p.ID, 150, time.Now())
		must(t, db.ReplaceContacts(ctxBG, snap, sum))
	}
	must(t, db.DeleteProfile(ctxBG, gone.ID))
	for _, table := range []string{"contacts", "contact_snapshots"} {
		if n := count(t, db, "SELECT count(*) FROM "+table+" WHERE profile_id = ?", gone.ID); n != 0 {
			t.Errorf("%d %s rows of the deleted profile left", n, table)
		}
		if n := count(t, db, "SELECT count(*) FROM "+table+" WHERE profile_id = ?", kept.ID); n == 0 {
			t.Errorf("the other profile's %s went too", table)
		}
	}
	// A contact row can never outlive its snapshot row.
	_, err := db.db.Exec(`INSERT INTO contacts (profile_id, id, pos) VALUES (?, 1, 0)`, gone.ID)
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("orphan contact insert: %v, want a foreign key error", err)
	}
}

// Contacts are personal data: the audit log carries counts, never a name,
// an e-mail address or a number.
func TestContactsAuditCarriesCountsOnly(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	snap, sum := contactsSnap(p.ID, 40, time.Now())
	must(t, db.ReplaceContacts(ctxBG, snap, sum))
	ev := lastAudit(t, db, p.ID)
	if ev.Action != ActionContactsAudited ||
		ev.Detail != "stored 40 contacts (36 active, region GB, Halo's search not probed): 0 search misses, 0 missing name, 1 no phone, 0 shared numbers, 1 unparseable" {
		t.Errorf("audit = %+v", ev)
	}
	_, err := db.ForgetContacts(ctxBG, p.ID)
	must(t, err)
	evs, err := db.AuditLog(ctxBG, AuditFilter{})
	must(t, err)
	for _, ev := range evs {
		for _, c := range snap.Contacts {
			for _, v := range []string{c.Name, c.FirstName, c.Surname, c.Email, c.PhoneNumber, c.HomeNumber,
				c.MobileNumber, c.MobileNumber2, c.SitePhone, c.ClientName, c.SiteName} {
				if strings.Contains(ev.Detail, v) {
					t.Fatalf("audit event %q carries %q", ev.Detail, v)
				}
			}
		}
	}
}

func TestProfileRegion(t *testing.T) {
	db := openTest(t)
	p, err := db.CreateProfile(ctxBG, Profile{Name: "Acme", Region: " GB "})
	if err != nil || p.Region != "GB" {
		t.Fatalf("CreateProfile = %+v, %v", p, err)
	}
	got, err := db.ProfileByName(ctxBG, "acme")
	if err != nil || got.Region != "GB" {
		t.Errorf("stored region = %q, %v", got.Region, err)
	}
	if none := mustProfile(t, db, "Default"); none.Region != "" {
		t.Errorf("default region = %q, want empty (the OS locale's)", none.Region)
	}
	for _, bad := range []string{"gb", "Gb", "GBR", "G", "G1", "ÜK", "U K"} {
		_, err := db.CreateProfile(ctxBG, Profile{Name: "Bad " + bad, Region: bad})
		wantErrIs(t, err, ErrInvalid)
		got.Region = bad
		wantErrIs(t, db.UpdateConnection(ctxBG, got), ErrInvalid)
	}
	if got, _ := db.Profile(ctxBG, p.ID); got.Region != "GB" {
		t.Errorf("region after rejected updates = %q", got.Region)
	}

	got.Region = "US"
	must(t, db.UpdateConnection(ctxBG, got))
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionConnectionUpdated || ev.Detail != "changed region" {
		t.Errorf("audit = %+v", ev)
	}
	dup, err := db.DuplicateProfile(ctxBG, p.ID, "Acme copy")
	if err != nil || dup.Region != "US" {
		t.Errorf("duplicate region = %q, %v", dup.Region, err)
	}
	got.Region = ""
	must(t, db.UpdateConnection(ctxBG, got))
	if got, _ := db.Profile(ctxBG, p.ID); got.Region != "" {
		t.Errorf("cleared region = %q", got.Region)
	}
	ps, err := db.Profiles(ctxBG)
	if err != nil || len(ps) != 3 || ps[1].Name != "Acme copy" || ps[1].Region != "US" {
		t.Errorf("Profiles = %+v, %v", ps, err)
	}

	// The schema holds the same line against a write that bypasses Go.
	if _, err := db.db.Exec("UPDATE profiles SET region = 'gb' WHERE id = ?", p.ID); err == nil {
		t.Error("the database accepted a lower-case region")
	}
}

// A database written by the previous schema (v6) keeps its data when it
// is migrated: profiles gain an empty region, nothing else changes.
func TestMigrateFromV6KeepsData(t *testing.T) {
	dir := dbAtVersion(t, 6,
		`INSERT INTO profiles (id, name, name_key, halo_url, client_id, tenant, auth_url, scope, ca_file, created_at, updated_at, secret_stored)
			VALUES (4242, 'Acme', 'acme', 'https://acme.halopsa.com', 'cid', 'acme', '', 'all', '/etc/ca.pem', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 1)`,
		`INSERT INTO checklist (profile_id, step_id, done, done_by, at) VALUES (4242, 'api-app', 1, 'sam', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO snapshots (profile_id, pulled_at) VALUES (4242, '2026-01-02T00:00:00.000000000Z')`,
		`INSERT INTO agents (profile_id, id, pos, name, email) VALUES (4242, 7, 0, 'Agent Seven', 'seven@acme.example')`,
		`INSERT INTO audit_log (at, profile_id, profile_name, actor, action, detail) VALUES ('2026-01-01T00:00:00.000000000Z', 4242, 'Acme', 'sam', 'profile.created', 'old event')`)

	db, err := Open(ctxBG, dir)
	must(t, err)
	defer db.Close()
	if v, _ := db.SchemaVersion(ctxBG); v != schemaVersion {
		t.Fatalf("schema %d after Open, want %d", v, schemaVersion)
	}
	got, err := db.Profile(ctxBG, 4242)
	want := Profile{ID: 4242, Name: "Acme", HaloURL: "https://acme.halopsa.com", ClientID: "cid", Tenant: "acme", Scope: "all",
		CAFile: "/etc/ca.pem", FixFormat: FixFormatE164, CreatedAt: ts("2026-01-01T00:00:00Z"), UpdatedAt: ts("2026-01-01T00:00:00Z")}
	if err != nil || got != want {
		t.Errorf("profile after migration = %+v, %v\nwant %+v", got, err, want)
	}
	if st, err := db.SecretState(ctxBG, 4242); err != nil || st != SecretStored {
		t.Errorf("secret state after migration = %v, %v", st, err)
	}
	snap, at, err := db.Snapshot(ctxBG, 4242)
	if err != nil || len(snap.Agents) != 1 || snap.Agents[0].Email != "seven@acme.example" || !at.Equal(ts("2026-01-02T00:00:00Z")) {
		t.Errorf("snapshot after migration = %+v, %v, %v", snap, at, err)
	}
	cl, err := db.Checklist(ctxBG, 4242)
	if err != nil || !cl["api-app"].Done {
		t.Errorf("checklist after migration = %+v, %v", cl, err)
	}
	if evs, err := db.AuditLog(ctxBG, AuditFilter{Text: "old event"}); err != nil || len(evs) != 1 {
		t.Errorf("old audit event after migration: %d, %v", len(evs), err)
	}
	if _, ok, err := db.ContactsSummary(ctxBG, 4242); err != nil || ok {
		t.Errorf("migrated profile has a contacts audit: %v, %v", ok, err)
	}
	s, sum := contactsSnap(4242, 3, time.Now())
	must(t, db.ReplaceContacts(ctxBG, s, sum))
	got.Region = "GB"
	must(t, db.UpdateConnection(ctxBG, got))
}

// 50,000 contacts is the large tenant. Most of the time is SQLite's
// own B-tree work (two keys per row), not binding.
func BenchmarkReplaceContacts50k(b *testing.B) {
	db := openTest(b)
	p := mustProfile(b, db, "Acme")
	snap, sum := contactsSnap(p.ID, 50000, time.Now())
	// Start from a full snapshot so each op also deletes 50k rows, as a
	// re-audit does.
	must(b, db.ReplaceContacts(ctxBG, snap, sum))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := db.ReplaceContacts(ctxBG, snap, sum); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadContacts50k(b *testing.B) {
	db := openTest(b)
	p := mustProfile(b, db, "Acme")
	snap, sum := contactsSnap(p.ID, 50000, time.Now())
	must(b, db.ReplaceContacts(ctxBG, snap, sum))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, ok, err := db.Contacts(ctxBG, p.ID)
		if err != nil || !ok || len(got.Contacts) != 50000 {
			b.Fatalf("%d contacts, %v, %v", len(got.Contacts), ok, err)
		}
	}
}

func BenchmarkContactsSummary(b *testing.B) {
	db := openTest(b)
	p := mustProfile(b, db, "Acme")
	snap, sum := contactsSnap(p.ID, 50000, time.Now())
	must(b, db.ReplaceContacts(ctxBG, snap, sum))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := db.ContactsSummary(ctxBG, p.ID); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}
