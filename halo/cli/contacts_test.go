package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

// contactsProfile adds profile name against srv (region GB, the demo's).
func contactsProfile(t *testing.T, h *harness, srv *halotest.Server, name string) {
	t.Helper()
	if r := h.run(srv.ClientSecret(), "profile", "add", name, "--url", srv.URL(), "--client-id", srv.ClientID(),
		"--region", "gb", "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
}

func decodeAudit(t *testing.T, r result) contactsAuditJSON {
	t.Helper()
	var a contactsAuditJSON
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatalf("contacts audit --json %v: %+v", err, r)
	}
	return a
}

func TestContactsAuditDemoCountsJSONAndCSV(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	h.realKeyring()
	contactsProfile(t, h, srv, "C")
	t.Cleanup(func() { h.run("", "profile", "remove", "C", "--force") })
	out := filepath.Join(t.TempDir(), "contacts.csv")
	r := h.run("", "contacts", "audit", "--profile", "C", "--json", "--out", out)
	if r.code != 1 {
		t.Fatalf("problems found must exit 1: %+v", r)
	}
	for _, field := range []string{"ok", "profile", "region", "at", "halo_search", "halo_search_probe", "contacts", "active",
		"search_miss", "missing_name", "no_phone", "shared_numbers", "unparseable", "fixed_since_last", "new_since_last", "problems"} {
		if !strings.Contains(r.stdout, `"`+field+`":`) {
			t.Errorf("JSON lacks %q:\n%s", field, r.stdout)
		}
	}
	a := decodeAudit(t, r)
	if a.OK || a.Profile != "C" || a.Region != "GB" || a.At.IsZero() || a.PreviousAt != nil {
		t.Fatalf("audit header: %+v", a)
	}
	if a.Contacts != halotest.DemoActive || a.Active != halotest.DemoActive || a.MissingName != halotest.DemoMissingName ||
		a.NoPhone != halotest.DemoNoPhone || a.SharedNumbers != halotest.DemoSharedNumbers || a.Unparseable != halotest.DemoUnparseable ||
		a.SearchMiss == 0 || a.SearchMiss != srv.TextSearchMisses() {
		t.Fatalf("counts: %+v", a)
	}
	// The demo's Halo matches the stored text, and the probe says so.
	if a.HaloSearch != "text" || a.SearchProbe != "missed_by_caller_id" || a.Problems[0].Problem != "search_miss" {
		t.Fatalf("halo_search %q (%q), first problem %+v", a.HaloSearch, a.SearchProbe, a.Problems[0])
	}
	per := map[string]int{}
	for _, p := range a.Problems {
		per[p.Problem]++
		if p.ContactID == 0 || p.Numbers == nil || !strings.HasPrefix(p.Link, srv.URL()+"/") {
			t.Errorf("problem row %+v", p)
		}
		if p.Problem == string(contacts.NoPhone) && len(p.Numbers) != 0 {
			t.Errorf("no_phone with numbers: %+v", p)
		}
	}
	if per["missing_name"] != halotest.DemoMissingName || per["no_phone"] != halotest.DemoNoPhone ||
		per["shared_number"] != halotest.DemoSharedContacts || per["unparseable"] != halotest.DemoUnparseable ||
		per["search_miss"] != a.SearchMiss || len(per) != 5 {
		t.Fatalf("problems per kind: %v", per)
	}

	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "Problem,Contact ID,Contact,Client,Site,Numbers,Halo Link\r\n") {
		t.Fatalf("header: %q", string(b[:min(len(b), 80)]))
	}
	if n := strings.Count(string(b), "\r\n"); n != len(a.Problems)+1 || strings.Count(string(b), "\n") != n {
		t.Fatalf("%d CRLF lines for %d problems", n, len(a.Problems))
	}
	rows := readCSV(t, out)
	if rows[1][0] != "search_miss" || rows[1][5] != strings.Join(a.Problems[0].Numbers, "; ") || rows[1][6] != a.Problems[0].Link {
		t.Fatalf("first row %q", rows[1])
	}

	// The stored summary is what the audit printed.
	db, p := h.profileDB(t, "C")
	sum, ok, err := db.ContactsSummary(context.Background(), p.ID)
	if err != nil || !ok || sum.Active != a.Active || sum.SharedNumbers != a.SharedNumbers || !sum.At.Equal(a.At) || sum.Region != "GB" ||
		sum.SearchMiss != a.SearchMiss || sum.Probe.Answer != contacts.HaloSearchText {
		t.Fatalf("stored summary %+v %v %v", sum, ok, err)
	}

	// Plain output: the summary, the counts and one line per problem.
	r = h.run("", "contacts", "audit", "--profile", "C")
	if r.code != 1 || !strings.Contains(r.stdout, `Audited "C" (region GB)`) ||
		!strings.Contains(r.stdout, "Halo's phone search matches the stored text") ||
		!strings.Contains(r.stdout, fmt.Sprintf("\n  search_miss     %d\n  missing_name ", a.SearchMiss)) ||
		!strings.Contains(r.stdout, "Since the last audit") || !strings.Contains(r.stdout, "0 fixed, 0 new") ||
		strings.Count(r.stdout, srv.URL()+"/customers?") != len(a.Problems) {
		t.Fatalf("plain audit: %+v", r)
	}
}

func TestContactsReauditDiffAndEmptyScenario(t *testing.T) {
	demo := startHalo(t, halotest.Demo())
	empty := startHalo(t, halotest.Scenario{Tenant: halotest.DefaultTenant, Contacts: halotest.ContactScenario{NoContacts: true}})
	h := newHarness(t)
	contactsProfile(t, h, demo, "C")
	if r := h.run("", "contacts", "audit", "--profile", "C"); r.code != 1 || !strings.Contains(r.stdout, "First audit") {
		t.Fatalf("first audit: %+v", r)
	}
	problems := demo.TextSearchMisses() + halotest.DemoMissingName + halotest.DemoNoPhone + halotest.DemoSharedContacts +
		halotest.DemoUnparseable

	// A Halo this profile sees no contact of: every problem is gone,
	// nothing new. With no number to probe with, the audit cannot tell how
	// this Halo's search compares numbers, and the earlier probe was of
	// another Halo, so search misses are judged in neither audit.
	if r := h.run("", "profile", "set", "C", "--url", empty.URL(), "--keep-secret"); r.code != 0 {
		t.Fatalf("set url: %+v", r)
	}
	r := h.run("", "contacts", "audit", "--profile", "C", "--json")
	if r.code != 0 {
		t.Fatalf("an empty Halo has no problems: %+v", r)
	}
	a := decodeAudit(t, r)
	if !a.OK || a.Contacts != 0 || a.FixedSinceLast != problems-demo.TextSearchMisses() || a.NewSinceLast != 0 || a.PreviousAt == nil || len(a.Problems) != 0 ||
		a.HaloSearch != "unknown" || a.SearchProbe != "no_number_to_probe" || a.SearchMiss != 0 {
		t.Fatalf("after emptying: %+v", a)
	}
	r = h.run("", "contacts", "audit", "--profile", "C")
	if r.code != 0 || !strings.Contains(r.stdout, "No active contacts visible") ||
		!strings.Contains(r.stdout, "Not known whether Halo's phone search matches the stored text or compares numbers (no contact holds") {
		t.Fatalf("empty plain: %+v", r)
	}

	// Back to the demo: every problem is new again.
	if r := h.run("", "profile", "set", "C", "--url", demo.URL(), "--keep-secret"); r.code != 0 {
		t.Fatalf("set url: %+v", r)
	}
	a = decodeAudit(t, h.run("", "contacts", "audit", "--profile", "C", "--json"))
	if a.FixedSinceLast != 0 || a.NewSinceLast != problems {
		t.Fatalf("after refilling: fixed %d new %d", a.FixedSinceLast, a.NewSinceLast)
	}
}

func TestContactsNoAccessExitsTwoWithUsersFix(t *testing.T) {
	srv := startHalo(t, halotest.Scenario{Tenant: halotest.DefaultTenant, Contacts: halotest.ContactScenario{ContactsForbidden: true}})
	h := newHarness(t)
	contactsProfile(t, h, srv, "C")
	for _, args := range [][]string{
		{"contacts", "audit", "--profile", "C", "--json"},
		{"lookup", "--profile", "C", "020 7946 0500"},
	} {
		r := h.run("", args...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "fix: ") || !strings.Contains(r.stderr, "Users Access Level") ||
			!strings.Contains(r.stderr, "Read and Modify") {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	// A refused pull keeps nothing and claims no audit.
	db, p := h.profileDB(t, "C")
	if _, ok, err := db.ContactsSummary(context.Background(), p.ID); ok || err != nil {
		t.Fatalf("summary after a refused pull: %v %v", ok, err)
	}
}

func TestContactsUsageAndConnectionErrorsExitTwo(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	contactsProfile(t, h, srv, "C")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"contacts", "audit", "--profile", "C", "--region", "EN"}, "UK is GB"},
		{[]string{"contacts", "audit", "--profile", "C", "--region", "GBR"}, "two-letter"},
		{[]string{"contacts", "audit"}, "--profile NAME is required"},
		{[]string{"contacts", "audit", "--profile", "nope"}, "no profile named"},
		{[]string{"contacts", "audit", "--profile", "C", "extra"}, "takes no arguments"},
		{[]string{"contacts", "audit", "--profile", "C", "--out", "-"}, "file name"},
		{[]string{"contacts"}, "missing subcommand"},
		{[]string{"lookup", "--profile", "C"}, "NUMBER"},
		{[]string{"lookup", "--profile", "C", "--region", "xx", "0113"}, "two-letter"},
		{[]string{"lookup", "--profile", "nope", "0113"}, "no profile named"},
		{[]string{"profile", "set", "C", "--region", "ZZ"}, "two-letter"},
	} {
		r := h.run("", c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: want exit 2 with %q, got %+v", c.args, c.want, r)
		}
	}
	// A Halo that does not answer is a connection error: exit 2, not 1.
	srv.Close()
	for _, args := range [][]string{{"contacts", "audit", "--profile", "C"}, {"lookup", "--profile", "C", "0113 496 0999"}} {
		if r := h.run("", args...); r.code != 2 || !strings.Contains(r.stderr, "fix: ") {
			t.Errorf("%v with Halo down: %+v", args, r)
		}
	}
}

func TestProfileRegionSetting(t *testing.T) {
	h := newHarness(t)
	if r := h.run("", "profile", "add", "R", "--url", "https://x.halopsa.com", "--region", "au"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	region := func() string {
		t.Helper()
		var ps []profileJSON
		r := h.run("", "profile", "list", "--json")
		if err := json.Unmarshal([]byte(r.stdout), &ps); err != nil || len(ps) != 1 {
			t.Fatalf("list: %v %+v", err, r)
		}
		return ps[0].Region
	}
	if got := region(); got != "AU" {
		t.Fatalf("region after add = %q", got)
	}
	if r := h.run("", "profile", "set", "R", "--region", "GB"); r.code != 0 || region() != "GB" {
		t.Fatalf("set GB: %+v", r)
	}
	if r := h.run("", "profile", "set", "R", "--region", "-"); r.code != 0 || region() != "" {
		t.Fatalf("clear: %+v", r)
	}
}

func TestLookupVerdicts(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	contactsProfile(t, h, srv, "C")

	lookup := func(want int, number string, extra ...string) (lookupJSON, result) {
		t.Helper()
		r := h.run("", append([]string{"lookup", "--profile", "C", number, "--json"}, extra...)...)
		if r.code != want {
			t.Fatalf("lookup %s: want exit %d: %+v", number, want, r)
		}
		var l lookupJSON
		if err := json.Unmarshal([]byte(r.stdout), &l); err != nil {
			t.Fatalf("lookup JSON %v: %s", err, r.stdout)
		}
		for _, f := range []string{"number", "e164", "asked", "region", "verdict", "matches", "halo_search_found", "missed_by_halo", "snapshot_at"} {
			if !strings.Contains(r.stdout, `"`+f+`":`) {
				t.Fatalf("lookup JSON lacks %q: %s", f, r.stdout)
			}
		}
		for _, m := range l.Matches {
			if m.FoundAs == nil || m.InHaloSearch != (len(m.FoundAs) > 0) {
				t.Fatalf("match %+v: found_as must be a list, empty exactly when Halo's search missed it", m)
			}
		}
		if n := strings.Count(r.stdout, `"found_as":`); n != len(l.Matches) {
			t.Fatalf("%d found_as for %d matches: %s", n, len(l.Matches), r.stdout)
		}
		return l, r
	}

	// Before any audit only Halo's search counts, and the output says so.
	// Halo's text search finds only the contact stored as national digits.
	r := h.run("", "lookup", "--profile", "C", "0113", "496", "0999")
	if r.code != 0 || !strings.Contains(r.stdout, "run contacts audit first to also match the normalised snapshot") ||
		!strings.Contains(r.stdout, "asked Halo's phone search for +441134960999 and 01134960999") {
		t.Fatalf("lookup without snapshot: %+v", r)
	}
	if l, _ := lookup(0, "0113 496 0999"); l.SnapshotAt != nil || l.HaloSearchFound != 1 || l.Verdict != "one" ||
		len(l.MissedByHalo) != 0 || !slices.Equal(l.Asked, []string{"+441134960999", "01134960999"}) ||
		!slices.Equal(l.Matches[0].FoundAs, []string{"01134960999"}) || l.Matches[0].Stored != "01134960999" {
		t.Fatalf("without snapshot: %+v", l)
	}

	if r := h.run("", "contacts", "audit", "--profile", "C"); r.code != 1 {
		t.Fatalf("audit: %+v", r)
	}
	db, p := h.profileDB(t, "C")
	snap, _, err := db.Contacts(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	problem := map[int]bool{}
	for _, f := range contacts.Run(snap.Contacts, "GB", time.Now()).Findings {
		problem[f.ContactID] = true
	}
	pick := func(ok func(string) bool) halo.Contact {
		t.Helper()
		for _, c := range snap.Contacts {
			if !problem[c.ID] && c.MobileNumber == "" && ok(c.PhoneNumber) {
				return c
			}
		}
		t.Fatal("no such demo contact")
		return halo.Contact{}
	}

	// One: a contact stored in E.164 is found by that form.
	clean := pick(func(n string) bool { return strings.HasPrefix(n, "+44") && !strings.Contains(n, " ") })
	l, _ := lookup(0, clean.PhoneNumber)
	if l.Verdict != "one" || len(l.Matches) != 1 || l.Matches[0].ContactID != clean.ID || l.Matches[0].Field != "phonenumber" ||
		l.HaloSearchFound != 1 || len(l.MissedByHalo) != 0 || l.SnapshotAt == nil || l.Matches[0].Client != clean.ClientName ||
		!strings.Contains(l.Matches[0].Link, "userid=") || !slices.Equal(l.Matches[0].FoundAs, []string{clean.PhoneNumber}) ||
		l.Matches[0].Stored != clean.PhoneNumber {
		t.Fatalf("one: %+v", l)
	}
	r = h.run("", "lookup", "--profile", "C", clean.PhoneNumber)
	if r.code != 0 || !strings.Contains(r.stdout, "one contact — Halo's search finds") || !strings.Contains(r.stdout, clean.ClientName) ||
		!strings.Contains(r.stdout, "found as "+clean.PhoneNumber) {
		t.Fatalf("one plain: %+v", r)
	}

	// None: nobody holds it; from abroad only E.164 is asked.
	if l, _ := lookup(1, "+1 202 555 0100"); l.Verdict != "none" || len(l.Matches) != 0 || l.HaloSearchFound != 0 ||
		!slices.Equal(l.Asked, []string{"+12025550100"}) {
		t.Fatalf("none: %+v", l)
	}
	if r := h.run("", "lookup", "--profile", "C", "+1 202 555 0100"); r.code != 1 || !strings.Contains(r.stdout, "unknown caller") {
		t.Fatalf("none plain: %+v", r)
	}

	// The case: a number stored with an extension is found by
	// neither caller-ID form: no contact pops, and the snapshot names it
	// with its stored number and the fix.
	ext := pick(func(n string) bool { return strings.Contains(n, " ext. ") })
	e164, _ := contacts.Normalize(ext.PhoneNumber, "GB")
	spaced := "+44 " + e164[3:6] + " " + e164[6:9] + " " + e164[9:]
	l, _ = lookup(1, spaced)
	if l.Verdict != "none" || l.HaloSearchFound != 0 || len(l.Matches) != 1 || !slices.Equal(l.MissedByHalo, []int{ext.ID}) ||
		l.Matches[0].InHaloSearch || len(l.Matches[0].FoundAs) != 0 || l.Matches[0].Stored != ext.PhoneNumber {
		t.Fatalf("stored with an extension: %+v", l)
	}
	r = h.run("", "lookup", "--profile", "C", spaced)
	if r.code != 1 || !strings.Contains(r.stdout, "no contact — Halo's search finds none") ||
		!strings.Contains(r.stdout, "Halo's search misses this contact: its phonenumber is stored as "+strconv.Quote(ext.PhoneNumber)) ||
		!strings.Contains(r.stdout, "store it as "+e164+" (E.164)") {
		t.Fatalf("stored with an extension, plain: %+v", r)
	}

	// A shared number: Halo's text search finds the holder stored as
	// digits; the two stored in other formats are missed.
	l, _ = lookup(0, "0113 496 0999")
	if l.Verdict != "one" || len(l.Matches) != 3 || l.HaloSearchFound != 1 || len(l.MissedByHalo) != 2 || l.E164 != "+441134960999" ||
		!l.Matches[0].InHaloSearch || l.Matches[1].InHaloSearch || l.Matches[2].InHaloSearch {
		t.Fatalf("shared: %+v", l)
	}
	// Stored twice with spaces: Halo's search finds neither holder.
	l, _ = lookup(1, halotest.DemoSharedNumber)
	if l.Verdict != "none" || l.HaloSearchFound != 0 || len(l.MissedByHalo) != 2 {
		t.Fatalf("shared demo number: %+v", l)
	}

	// Several: against a Halo whose search compares numbers, all three
	// holders of the shared number are found.
	numbers := startHalo(t, halotest.Scenario{Tenant: halotest.DefaultTenant, Contacts: halotest.ContactScenario{PhoneSearchNumbers: true}})
	if r := h.run("", "profile", "set", "C", "--url", numbers.URL(), "--keep-secret"); r.code != 0 {
		t.Fatalf("set url: %+v", r)
	}
	l, _ = lookup(1, "0113 496 0999")
	if l.Verdict != "several" || l.HaloSearchFound != 3 || len(l.MissedByHalo) != 0 || len(l.Matches[1].FoundAs) != 2 {
		t.Fatalf("several: %+v", l)
	}
	r = h.run("", "lookup", "--profile", "C", "0113 496 0999")
	if r.code != 1 || !strings.Contains(r.stdout, "3 contacts — ambiguous: which of") {
		t.Fatalf("several plain: %+v", r)
	}
}

// The audit records what its probe learnt of Halo's phone search; search
// misses are counted only when Halo matches the stored text.
func TestContactsAuditHaloSearch(t *testing.T) {
	for _, tc := range []struct {
		name, search, probe, plain string
		sc                         halotest.ContactScenario
	}{
		{"numbers", "numbers", "found_by_caller_id", "Halo's phone search compares numbers",
			halotest.ContactScenario{PhoneSearchNumbers: true}},
		{"search refused", "unknown", "search_refused", "(Halo refused the phone search), so no search misses are counted",
			halotest.ContactScenario{PhoneSearchError: 403}},
		{"search failed", "unknown", "search_failed", "(the phone search failed), so no search misses are counted",
			halotest.ContactScenario{PhoneSearchError: 500}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startHalo(t, halotest.Scenario{Tenant: halotest.DefaultTenant, Contacts: tc.sc})
			h := newHarness(t)
			contactsProfile(t, h, srv, "C")
			r := h.run("", "contacts", "audit", "--profile", "C", "--json")
			a := decodeAudit(t, r)
			if r.code != 1 || a.HaloSearch != tc.search || a.SearchProbe != tc.probe || a.SearchMiss != 0 ||
				a.MissingName != halotest.DemoMissingName || a.OK {
				t.Fatalf("audit: %+v", a)
			}
			for _, p := range a.Problems {
				if p.Problem == "search_miss" {
					t.Fatalf("a search miss without the probe's word for it: %+v", p)
				}
			}
			if r := h.run("", "contacts", "audit", "--profile", "C"); r.code != 1 || !strings.Contains(r.stdout, tc.plain) ||
				!strings.Contains(r.stdout, "\n  search_miss     0\n") {
				t.Fatalf("plain: %+v", r)
			}
		})
	}
}

func TestContactsForgetAndProfileRemoveDropTheSnapshot(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	contactsProfile(t, h, srv, "C")
	if r := h.run("", "contacts", "forget", "--profile", "C"); r.code != 0 || !strings.Contains(r.stdout, "nothing to drop") {
		t.Fatalf("forget before audit: %+v", r)
	}
	h.run("", "contacts", "audit", "--profile", "C")
	if r := h.run("", "contacts", "forget", "--profile", "C"); r.code != 0 || !strings.Contains(r.stdout, "Dropped the contacts snapshot") {
		t.Fatalf("forget: %+v", r)
	}
	if s := decodeStatus(t, h.run("", "status", "--profile", "C", "--json")); s.Contacts != nil {
		t.Fatalf("status after forget: %+v", s.Contacts)
	}

	h.run("", "contacts", "audit", "--profile", "C")
	if n := countContactRows(t, h.dir); n != halotest.DemoActive+1 {
		t.Fatalf("stored rows before remove: %d", n)
	}
	if r := h.run("", "profile", "remove", "C"); r.code != 0 {
		t.Fatalf("remove: %+v", r)
	}
	if n := countContactRows(t, h.dir); n != 0 {
		t.Fatalf("profile remove left %d contact rows", n)
	}
}

// countContactRows counts the stored contacts and snapshot rows of every
// profile, straight from the database file.
func countContactRows(t *testing.T, dir string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, storage.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var a, b int
	if err := db.QueryRow("SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM contact_snapshots)").Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	return a + b
}

func TestStatusReportsContactsAudit(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	contactsProfile(t, h, srv, "C")
	r := h.run("", "status", "--profile", "C", "--json")
	if !strings.Contains(r.stdout, `"contacts": null`) || strings.Contains(attentionKinds(decodeStatus(t, r)), "contacts") {
		t.Fatalf("never audited: %+v", r)
	}
	before := decodeStatus(t, r)

	h.run("", "contacts", "audit", "--profile", "C")
	r = h.run("", "status", "--profile", "C", "--json")
	s := decodeStatus(t, r)
	problems := srv.TextSearchMisses() + halotest.DemoMissingName + halotest.DemoNoPhone + halotest.DemoSharedNumbers +
		halotest.DemoUnparseable
	if r.code != 1 || s.Contacts == nil || s.Contacts.Active != halotest.DemoActive || s.Contacts.Problems != problems || s.Contacts.At.IsZero() ||
		attentionKinds(s) != attentionKinds(before)+",contacts_problems" {
		t.Fatalf("after audit: %+v %s", s.Contacts, attentionKinds(s))
	}
	for _, k := range []string{`"at":`, `"active":`, `"problems":`} {
		if !strings.Contains(r.stdout[strings.Index(r.stdout, `"contacts":`):], k) {
			t.Fatalf("status contacts lacks %s: %s", k, r.stdout)
		}
	}
	if r := h.run("", "status", "--profile", "C"); !strings.Contains(r.stdout, "- contacts_problems:") ||
		!strings.Contains(r.stdout, fmt.Sprintf("%d missed by Halo's phone search, ", srv.TextSearchMisses())) ||
		!strings.Contains(r.stdout, fmt.Sprintf("Contacts: %d active", halotest.DemoActive)) {
		t.Fatalf("plain status: %+v", r)
	}

	// A clean audit 40 days old is stale.
	db, p := h.profileDB(t, "C")
	old := time.Now().Add(-40 * 24 * time.Hour)
	if err := db.ReplaceContacts(context.Background(), storage.ContactsSnapshot{ProfileID: p.ID, PulledAt: old, Region: "GB",
		Contacts: []halo.Contact{{ID: 1, FirstName: "A", Surname: "B", PhoneNumber: "0113 496 0001"}}},
		storage.ContactsSummary{Active: 1}); err != nil {
		t.Fatal(err)
	}
	s = decodeStatus(t, h.run("", "status", "--profile", "C", "--json"))
	if s.Contacts == nil || s.Contacts.Problems != 0 || attentionKinds(s) != attentionKinds(before)+",contacts_stale" {
		t.Fatalf("stale: %+v %s", s.Contacts, attentionKinds(s))
	}
}

// TestContactsNeverReachTheLog runs the audit and lookups with a debug log
// and looks for every name and number of the demo's contacts in it.
func TestContactsNeverReachTheLog(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t)
	contactsProfile(t, h, srv, "C")
	var logBuf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	run := func(args ...string) {
		var out, errb bytes.Buffer
		Main(append([]string{"--data-dir", h.dir}, args...), Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Logger: logger,
			Getenv:  func(k string) string { return h.env[k] },
			Secrets: func(string) storage.Secrets { return h.secrets },
		})
	}
	run("contacts", "audit", "--profile", "C", "--json")
	run("lookup", "--profile", "C", "0113 496 0999")
	run("lookup", "--profile", "C", halotest.DemoSharedNumber)
	if !strings.Contains(logBuf.String(), "contacts audited") || !strings.Contains(logBuf.String(), "halo request") {
		t.Fatalf("the log did not record the commands:\n%s", logBuf.String())
	}
	db, p := h.profileDB(t, "C")
	snap, _, err := db.Contacts(context.Background(), p.ID)
	if err != nil || len(snap.Contacts) == 0 {
		t.Fatal(err)
	}
	log := logBuf.String()
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	for _, c := range snap.Contacts {
		for _, s := range []string{c.FirstName, c.Surname, c.Email} {
			if len(s) >= 3 && strings.Contains(log, s) {
				t.Errorf("the log holds %q", s)
			}
		}
		for _, n := range []string{c.PhoneNumber, c.MobileNumber, c.HomeNumber, c.MobileNumber2} {
			if n == "" {
				continue
			}
			e164, _ := contacts.Normalize(n, "GB")
			for _, form := range []string{n, digits(n), url.QueryEscape(n), e164, strings.TrimPrefix(e164, "+")} {
				if len(form) >= 7 && strings.Contains(log, form) {
					t.Errorf("the log holds number %q as %q", n, form)
				}
			}
		}
	}
}

func TestContactsRegionDefaults(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	h := newHarness(t) // LANG=en_US.UTF-8: the OS locale says US
	if r := h.run(srv.ClientSecret(), "profile", "add", "N", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if a := decodeAudit(t, h.run("", "contacts", "audit", "--profile", "N", "--json")); a.Region != "US" {
		t.Fatalf("locale default: %s", a.Region)
	}
	if a := decodeAudit(t, h.run("", "contacts", "audit", "--profile", "N", "--json", "--region", "gb")); a.Region != "GB" ||
		a.Unparseable != halotest.DemoUnparseable {
		t.Fatalf("--region gb: %s, %d unparseable", a.Region, a.Unparseable)
	}
	// Without --region the last audit's region holds, so the diff compares like with like.
	a := decodeAudit(t, h.run("", "contacts", "audit", "--profile", "N", "--json"))
	if a.Region != "GB" || a.FixedSinceLast != 0 || a.NewSinceLast != 0 {
		t.Fatalf("re-audit: %s fixed %d new %d", a.Region, a.FixedSinceLast, a.NewSinceLast)
	}
	if r := h.run("", "profile", "set", "N", "--region", "AU"); r.code != 0 {
		t.Fatalf("set: %+v", r)
	}
	if a := decodeAudit(t, h.run("", "contacts", "audit", "--profile", "N", "--json")); a.Region != "AU" {
		t.Fatalf("profile region: %s", a.Region)
	}
	var l lookupJSON
	if err := json.Unmarshal([]byte(h.run("", "lookup", "--profile", "N", "0113 496 0999", "--json", "--region", "GB").stdout), &l); err != nil ||
		l.Region != "GB" || l.E164 != "+441134960999" {
		t.Fatalf("lookup --region: %+v %v", l, err)
	}
}
