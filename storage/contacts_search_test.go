package storage

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// The audit probes Halo's phone search after the pull, through the same
// client, and stores the answer with the audit; search misses are counted
// only when Halo matches the stored text.
func TestAuditContactsProbesHaloSearch(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	pages := (halotest.DemoActive + 99) / 100
	for _, tc := range []struct {
		name     string
		sc       halotest.ContactScenario
		want     contacts.SearchProbe
		searches int
	}{
		{"text", halotest.ContactScenario{}, contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeMissed}, 3},
		{"numbers", halotest.ContactScenario{PhoneSearchNumbers: true},
			contacts.SearchProbe{Answer: contacts.HaloSearchNumbers, Outcome: contacts.ProbeFound}, 1},
		{"search refused, list allowed", halotest.ContactScenario{PhoneSearchError: 403}, contacts.SearchProbe{Outcome: contacts.ProbeRefused}, 1},
		{"search fails", halotest.ContactScenario{PhoneSearchError: 500}, contacts.SearchProbe{Outcome: contacts.ProbeFailed}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			p := mustProfile(t, db, "Contoso")
			s, c := auditClient(t, halotest.Scenario{Tenant: halotest.DefaultTenant, Contacts: tc.sc})
			res, err := AuditContacts(ctx, db, c, p.ID, "GB", now, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := s.PathCount("/api/users") - pages; n != tc.searches {
				t.Fatalf("%d searches, want %d", n, tc.searches)
			}
			wantMiss := 0
			if tc.want.Answer == contacts.HaloSearchText {
				wantMiss = s.TextSearchMisses()
			}
			a := res.Audit
			if res.Snapshot.Probe != tc.want || a.HaloSearch != tc.want.Answer || a.SearchMiss != wantMiss ||
				res.Summary.SearchMiss != wantMiss || res.Summary.Probe != tc.want {
				t.Fatalf("probe %+v, audit %q with %d search misses, summary %+v; want %+v and %d",
					res.Snapshot.Probe, a.HaloSearch, a.SearchMiss, res.Summary, tc.want, wantMiss)
			}
			// The other problems do not depend on the probe.
			if a.MissingName != halotest.DemoMissingName || a.SharedNumbers != halotest.DemoSharedNumbers {
				t.Fatalf("audit %+v", a)
			}
			sum, _, err := db.ContactsSummary(ctx, p.ID)
			if err != nil || sum.Probe != tc.want || sum.SearchMiss != wantMiss || sum.Problems() != res.Summary.Problems() {
				t.Fatalf("stored summary %+v (%v)", sum, err)
			}
			snap, _, err := db.Contacts(ctx, p.ID)
			if err != nil || snap.Probe != tc.want {
				t.Fatalf("stored snapshot's probe %+v (%v)", snap.Probe, err)
			}
			// Read back, the snapshot audits as it did.
			if again := contacts.RunWith(snap.Contacts, snap.Region, snap.PulledAt, snap.Probe.Answer); again.SearchMiss != wantMiss {
				t.Fatalf("re-run from the snapshot: %d search misses", again.SearchMiss)
			}
			if ev := lastAudit(t, db, p.ID); !strings.Contains(ev.Detail, probeDetail(tc.want)+"): "+strconv.Itoa(wantMiss)+" search misses,") {
				t.Fatalf("audit log %q", ev.Detail)
			}
		})
	}
}

// A first probe after an audit stored without one does not show the
// search misses as new problems; a fixed number shows as fixed.
func TestAuditContactsDiffJudgesBothWithTheProbe(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	p := mustProfile(t, db, "Contoso")
	s, c := auditClient(t, halotest.Demo())
	all, err := c.Contacts(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	must(t, db.ReplaceContacts(ctx, ContactsSnapshot{ProfileID: p.ID, PulledAt: t0, Region: "GB", Contacts: all},
		ContactsSummary{Active: len(all)}))
	res, err := AuditContacts(ctx, db, c, p.ID, "GB", t0.Add(time.Hour), nil)
	if err != nil || res.Audit.SearchMiss != s.TextSearchMisses() || len(res.Fixed)+len(res.Added) != 0 {
		t.Fatalf("%d search misses; fixed %d, added %d (%v)", res.Audit.SearchMiss, len(res.Fixed), len(res.Added), err)
	}

	// One missed number rewritten in the previous snapshot's E.164 form
	// stands for a fix in Halo: judged with the same answer, it is the
	// only change.
	var fixedID int
	for _, f := range res.Audit.Findings {
		if f.Problem == contacts.SearchMiss {
			fixedID = f.ContactID
			break
		}
	}
	prev := append([]halo.Contact(nil), all...)
	for i := range prev {
		if prev[i].ID == fixedID {
			prev[i].PhoneNumber, prev[i].HomeNumber, prev[i].MobileNumber, prev[i].MobileNumber2 = "+441134960001", "", "", ""
		}
	}
	must(t, db.ReplaceContacts(ctx, ContactsSnapshot{ProfileID: p.ID, PulledAt: t0, Region: "GB", Contacts: prev,
		Probe: contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeMissed}}, ContactsSummary{Active: len(prev)}))
	res, err = AuditContacts(ctx, db, c, p.ID, "GB", t0.Add(2*time.Hour), nil)
	if err != nil || len(res.Fixed) != 0 || len(res.Added) != 1 || res.Added[0].ContactID != fixedID ||
		res.Added[0].Problem != contacts.SearchMiss || res.Summary.Changes.New != 1 {
		t.Fatalf("fixed %+v, added %+v (%v)", res.Fixed, res.Added, err)
	}
}

func TestContactsProbeStoredAndChecked(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	snap, _ := contactsSnap(p.ID, 10, at)
	text := contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeMissed}
	for name, tc := range map[string]struct {
		probe contacts.SearchProbe
		sum   ContactsSummary
	}{
		"answer without an outcome":      {contacts.SearchProbe{Answer: contacts.HaloSearchText}, ContactsSummary{}},
		"answer no probe gives":          {contacts.SearchProbe{Answer: "digits", Outcome: contacts.ProbeRefused}, ContactsSummary{}},
		"unknown outcome":                {contacts.SearchProbe{Outcome: "guessed"}, ContactsSummary{}},
		"search misses without text":     {contacts.SearchProbe{Answer: contacts.HaloSearchNumbers, Outcome: contacts.ProbeFound}, ContactsSummary{Active: 5, SearchMiss: 1}},
		"search misses when not probed":  {contacts.SearchProbe{}, ContactsSummary{Active: 5, SearchMiss: 1}},
		"more search misses than active": {text, ContactsSummary{Active: 5, SearchMiss: 6}},
		"negative search misses":         {text, ContactsSummary{Active: 5, SearchMiss: -1}},
		"summary's probe differs":        {text, ContactsSummary{Active: 5, Probe: contacts.SearchProbe{Outcome: contacts.ProbeFailed}}},
	} {
		t.Run(name, func(t *testing.T) {
			s := snap
			s.Probe = tc.probe
			wantErrIs(t, db.ReplaceContacts(ctxBG, s, tc.sum), ErrInvalid)
		})
	}
	snap.Probe = text
	must(t, db.ReplaceContacts(ctxBG, snap, ContactsSummary{Active: 9, SearchMiss: 4, MissingName: 1}))
	sum, _, err := db.ContactsSummary(ctxBG, p.ID)
	if err != nil || sum.Probe != text || sum.SearchMiss != 4 || sum.Problems() != 5 {
		t.Fatalf("summary %+v (%v)", sum, err)
	}
	got, _, err := db.Contacts(ctxBG, p.ID)
	if err != nil || got.Probe != text {
		t.Fatalf("snapshot's probe %+v (%v)", got.Probe, err)
	}
	// The schema holds the same lines against writes that bypass Go.
	for _, q := range []string{
		"UPDATE contact_snapshots SET halo_search = 'digits'",
		"UPDATE contact_snapshots SET search_probe = 'guessed'",
		"UPDATE contact_snapshots SET search_miss = -1",
		"UPDATE contact_snapshots SET halo_search = 'numbers', search_probe = 'found_by_caller_id'", // search misses stay 4
	} {
		if _, err := db.db.Exec(q); err == nil {
			t.Errorf("the database accepted %s", q)
		}
	}
}

// An audit stored before probes existed (schema 9) reads back as not
// probed, with no search misses.
func TestMigrateFromV9ReadsNotProbed(t *testing.T) {
	dir := dbAtVersion(t, 9,
		`INSERT INTO profiles (id, name, name_key, halo_url, client_id, tenant, auth_url, scope, ca_file, created_at, updated_at, secret_stored, region)
			VALUES (4242, 'Acme', 'acme', 'https://acme.halopsa.com', 'cid', 'acme', '', 'all', '', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 1, 'GB')`,
		`INSERT INTO contact_snapshots (profile_id, pulled_at, region, contacts, active, missing_name, changes_recorded)
			VALUES (4242, '2026-01-02T00:00:00.000000000Z', 'GB', 1, 1, 1, 1)`,
		`INSERT INTO contacts (profile_id, id, pos, firstname, phonenumber) VALUES (4242, 7, 0, 'Seven', '0113 496 0007')`)

	db, err := Open(ctxBG, dir)
	must(t, err)
	defer db.Close()
	sum, ok, err := db.ContactsSummary(ctxBG, 4242)
	if err != nil || !ok || sum.Probe != (contacts.SearchProbe{}) || sum.SearchMiss != 0 || sum.MissingName != 1 || sum.Problems() != 1 {
		t.Fatalf("summary after migration %+v, %v, %v", sum, ok, err)
	}
	snap, ok, err := db.Contacts(ctxBG, 4242)
	if err != nil || !ok || snap.Probe != (contacts.SearchProbe{}) || len(snap.Contacts) != 1 {
		t.Fatalf("snapshot after migration %+v, %v, %v", snap, ok, err)
	}
}

// dbAtVersion is a database file in a new directory built by the first
// version migrations only and holding what stmts write, as an older
// version of the app left it; Open migrates it on.
func dbAtVersion(t *testing.T, version int, stmts ...string) string {
	t.Helper()
	dir := t.TempDir()
	migs, err := loadMigrations()
	must(t, err)
	path := filepath.Join(dir, FileName)
	must(t, os.WriteFile(path, nil, 0o600))
	raw, err := sql.Open(driverName, dsn(path, "_foreign_keys=on&_journal_mode=WAL&_txlock=immediate"))
	must(t, err)
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	old := &DB{db: raw, dir: dir, path: path, actor: "test"}
	must(t, old.migrate(ctxBG, migs[:version]))
	if v, _ := old.SchemaVersion(ctxBG); v != version {
		t.Fatalf("built schema %d, want %d", v, version)
	}
	for _, q := range stmts {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(t, raw.Close())
	return dir
}
