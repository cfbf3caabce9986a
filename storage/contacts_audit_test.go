package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

func auditClient(t *testing.T, sc halotest.Scenario) (*halotest.Server, *halo.Client) {
	t.Helper()
	s := halotest.New(sc)
	t.Cleanup(s.Close)
	c, err := halo.NewClient(halo.Config{URL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret(), HTTPClient: s.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestAuditContactsStoresAndDiffs(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Contoso")
	ctx := context.Background()
	_, c := auditClient(t, halotest.Demo())
	// A previous audit with one contact the demo does not hold, without a
	// surname: the new audit fixes it and adds every demo finding.
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	gone := halo.Contact{ID: 999999, FirstName: "Gone", PhoneNumber: "020 7946 0999"}
	if err := db.ReplaceContacts(ctx, ContactsSnapshot{ProfileID: p.ID, PulledAt: t0, Region: "GB",
		Contacts: []halo.Contact{gone}}, ContactsSummary{Active: 1, MissingName: 1}); err != nil {
		t.Fatal(err)
	}
	var pages int
	now := t0.Add(24 * time.Hour)
	res, err := AuditContacts(ctx, db, c, p.ID, "gb", now, func(pp halo.PullProgress) {
		if pp.Stage == "contacts" {
			pages = pp.Pages
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Audit
	got := [5]int{a.Active, a.MissingName, a.NoPhone, a.SharedNumbers, a.Unparseable}
	want := [5]int{halotest.DemoActive, halotest.DemoMissingName, halotest.DemoNoPhone, halotest.DemoSharedNumbers, halotest.DemoUnparseable}
	if got != want {
		t.Fatalf("active, missing name, no phone, shared, unparseable = %v, want %v", got, want)
	}
	if pages == 0 {
		t.Error("progress never reported a page")
	}
	// The gone contact's problems are fixed: its missing surname and its
	// spaced number, which Halo's text search misses.
	if !res.HadPrevious || len(res.Fixed) != 2 || res.Fixed[0].ContactID != gone.ID || res.Fixed[1].ContactID != gone.ID ||
		len(res.Added) != len(a.Findings) {
		t.Fatalf("fixed %v, added %d of %d findings", res.Fixed, len(res.Added), len(a.Findings))
	}
	sum, ok, err := db.ContactsSummary(ctx, p.ID)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if !sum.At.Equal(now) || sum.Region != "GB" || sum.Active != a.Active || sum.Unparseable != a.Unparseable {
		t.Fatalf("summary = %+v", sum)
	}
	// What changed is stored with it, so it still shows after a restart.
	wantCh := ContactsChanges{Recorded: true, PreviousAt: t0, Fixed: 2, New: len(a.Findings)}
	if ch := sum.Changes; ch.Recorded != wantCh.Recorded || !ch.PreviousAt.Equal(t0) || ch.Fixed != wantCh.Fixed ||
		ch.New != wantCh.New || ch.First() {
		t.Fatalf("stored changes = %+v, want %+v", ch, wantCh)
	}
	if res.Summary.Changes.Fixed != 2 || res.Summary.Changes.New != len(a.Findings) {
		t.Fatalf("result's changes = %+v", res.Summary.Changes)
	}
	snap, _, err := db.Contacts(ctx, p.ID)
	if err != nil || len(snap.Contacts) != halotest.DemoActive || !snap.PulledAt.Equal(res.Snapshot.PulledAt) {
		t.Fatalf("snapshot of %d contacts at %v (%v)", len(snap.Contacts), snap.PulledAt, err)
	}
	// Audited again: nothing changed.
	res, err = AuditContacts(ctx, db, c, p.ID, "GB", now.Add(time.Hour), nil)
	if err != nil || len(res.Fixed)+len(res.Added) != 0 {
		t.Fatalf("re-audit: fixed %d, added %d (%v)", len(res.Fixed), len(res.Added), err)
	}
	if sum, _, _ = db.ContactsSummary(ctx, p.ID); !sum.Changes.Recorded || !sum.Changes.PreviousAt.Equal(now) ||
		sum.Changes.Fixed+sum.Changes.New != 0 {
		t.Fatalf("re-audit's stored changes = %+v", sum.Changes)
	}
	// A profile's first audit says so.
	first := mustProfile(t, db, "Fabrikam")
	if _, err := AuditContacts(ctx, db, c, first.ID, "GB", now, nil); err != nil {
		t.Fatal(err)
	}
	if sum, _, _ = db.ContactsSummary(ctx, first.ID); !sum.Changes.First() {
		t.Fatalf("first audit's changes = %+v", sum.Changes)
	}
}

func TestAuditContactsStoresNothingOnFailure(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		sc     halotest.Scenario
		region string
		ctx    func() context.Context
		check  func(error) bool
	}{
		{"no access", func() halotest.Scenario { sc := halotest.Demo(); sc.Contacts.ContactsForbidden = true; return sc }(),
			"GB", context.Background, halo.IsNoAccess},
		{"cancelled", halotest.Demo(), "GB", func() context.Context {
			c, cancel := context.WithCancel(ctx)
			cancel()
			return c
		}, func(err error) bool { return errors.Is(err, context.Canceled) }},
		{"bad region", halotest.Demo(), "GBR", context.Background, func(err error) bool { return errors.Is(err, ErrInvalid) }},
		{"no region", halotest.Demo(), "", context.Background, func(err error) bool { return errors.Is(err, ErrInvalid) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			p := mustProfile(t, db, "Contoso")
			_, c := auditClient(t, tc.sc)
			kept := halo.Contact{ID: 7, FirstName: "Kept", Surname: "Here", PhoneNumber: "020 7946 0111"}
			if err := db.ReplaceContacts(ctx, ContactsSnapshot{ProfileID: p.ID, PulledAt: t0, Region: "GB",
				Contacts: []halo.Contact{kept}}, ContactsSummary{Active: 1}); err != nil {
				t.Fatal(err)
			}
			_, err := AuditContacts(tc.ctx(), db, c, p.ID, tc.region, t0.Add(time.Hour), nil)
			if err == nil || !tc.check(err) {
				t.Fatalf("err = %v", err)
			}
			snap, ok, err := db.Contacts(ctx, p.ID)
			if err != nil || !ok || !snap.PulledAt.Equal(t0) || len(snap.Contacts) != 1 || snap.Contacts[0] != kept {
				t.Fatalf("previous snapshot not kept: %+v %v %v", snap, ok, err)
			}
		})
	}
}

func TestAuditContactsUnknownProfile(t *testing.T) {
	db := openTest(t)
	s, c := auditClient(t, halotest.Demo())
	if _, err := AuditContacts(context.Background(), db, c, 4242, "GB", time.Now(), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if n := s.PathCount("/api/users"); n != 0 {
		t.Fatalf("%d contact requests for a profile that does not exist", n)
	}
}

// An audit whose probe cannot tell (here: no contact left with a number to
// probe with, as after a fix) keeps what the previous audit of the same
// Halo learnt of its search, so a miss that was fixed counts as fixed; an
// audit of another Halo, or one stored before the Halo was recorded, is
// not trusted for it.
func TestAuditContactsKeepsTheProbeOfTheSameHalo(t *testing.T) {
	ctx := context.Background()
	_, c := auditClient(t, halotest.Scenario{Tenant: halotest.DefaultTenant, Contacts: halotest.ContactScenario{NoContacts: true}})
	text := contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeMissed}
	spaced := halo.Contact{ID: 7, FirstName: "Ada", Surname: "Byron", PhoneNumber: "020 7946 0999"}
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, base string
		want       contacts.SearchProbe
		fixed      int
	}{
		{"same Halo", c.Instance().Base, contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeNoCandidate}, 1},
		{"another Halo", "https://other.halopsa.com", contacts.SearchProbe{Outcome: contacts.ProbeNoCandidate}, 0},
		{"Halo not recorded", "", contacts.SearchProbe{Outcome: contacts.ProbeNoCandidate}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			p := mustProfile(t, db, "Contoso")
			if err := db.ReplaceContacts(ctx, ContactsSnapshot{ProfileID: p.ID, PulledAt: t0, Region: "GB", HaloBase: tc.base,
				Probe: text, Contacts: []halo.Contact{spaced}}, ContactsSummary{Active: 1, SearchMiss: 1}); err != nil {
				t.Fatal(err)
			}
			res, err := AuditContacts(ctx, db, c, p.ID, "GB", t0.Add(time.Hour), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Snapshot.Probe != tc.want || len(res.Fixed) != tc.fixed || res.Snapshot.HaloBase != c.Instance().Base {
				t.Fatalf("probe %+v, fixed %v, Halo %q", res.Snapshot.Probe, res.Fixed, res.Snapshot.HaloBase)
			}
			snap, _, err := db.Contacts(ctx, p.ID)
			if err != nil || snap.Probe != tc.want || snap.HaloBase != c.Instance().Base {
				t.Fatalf("stored %+v %q (%v)", snap.Probe, snap.HaloBase, err)
			}
			if ev := lastAudit(t, db, p.ID); tc.fixed == 1 && !strings.Contains(ev.Detail, "Halo's search: text (an earlier probe's; this one: no_number_to_probe)") {
				t.Fatalf("audit log %q", ev.Detail)
			}
		})
	}
}
