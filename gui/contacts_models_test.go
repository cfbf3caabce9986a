package gui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// The Contacts screen's models run without a window: these tests build
// no UI.

func sampleProblems() *problems {
	snap := []halo.Contact{
		{ID: 1, FirstName: "Ann", Surname: "Shaw", ClientName: "Acme", SiteName: "Leeds", PhoneNumber: "0113 496 0107", SitePhone: "0113 496 0000"},
		{ID: 2, FirstName: "Bo", ClientName: "Acme", SiteName: "Leeds", PhoneNumber: "0113 496 0107"},
		{ID: 3, FirstName: "Cy", Surname: "Dunn", ClientName: "Borealis", SiteName: "York"},
		{ID: 4, FirstName: "Di", Surname: "Eld", ClientName: "Borealis", SiteName: "York", MobileNumber: "12"},
	}
	a := contacts.Run(snap, "GB", time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	return newProblems(&a, snap)
}

func TestProblemsFilterByKindAndWords(t *testing.T) {
	m := sampleProblems()
	total := len(m.audit.Findings)
	ids := func() []int {
		var out []int
		for r := range m.rows() {
			out = append(out, m.finding(r).ContactID)
		}
		return out
	}
	if m.rows() != total || total < 4 {
		t.Fatalf("unfiltered: %d of %d rows", m.rows(), total)
	}
	m.setFilter(contacts.SharedNumber, "")
	if got := ids(); !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("shared number: %v", got)
	}
	// Words match any field, in any case, each somewhere in the row.
	m.setFilter("", "BOREALIS york")
	if got := ids(); !slices.Equal(got, []int{3, 4}) && !slices.Equal(got, []int{4, 3}) {
		t.Fatalf("Borealis York: %v", got)
	}
	// No word spans two fields ("Leeds" then "0113").
	m.setFilter("", "leeds0113")
	if m.rows() != 0 {
		t.Fatalf("a word across fields matched: %v", ids())
	}
	m.setFilter(contacts.Unparseable, "4")
	if got := ids(); !slices.Equal(got, []int{4}) {
		t.Fatalf("unparseable, contact ID 4: %v", got)
	}
	if !strings.HasPrefix(m.shownText(), "1 of "+halo.CountOf(total, "problem", "problems")+" shown.") {
		t.Errorf("shown text %q", m.shownText())
	}
	m.setFilter("", "")
	if !strings.HasPrefix(m.shownText(), halo.CountOf(total, "problem", "problems")+". ") {
		t.Errorf("shown text %q", m.shownText())
	}
}

func TestProblemsCellsAndTexts(t *testing.T) {
	m := sampleProblems()
	m.setFilter(contacts.SharedNumber, "ann")
	f := m.finding(0)
	want := map[int]string{colProblem: "Shared number", colContact: "Ann Shaw", colClient: "Acme", colSite: "Leeds",
		colNumbers: "0113 496 0107", colSitePhone: "0113 496 0000", colOpen: ""}
	for col, w := range want {
		if got := m.cellText(f, col); got != w {
			t.Errorf("column %d: %q, want %q", col, got, w)
		}
	}
	if got := m.cellText(contacts.Finding{ContactID: 9}, colContact); got != "(no name) #9" {
		t.Errorf("no name: %q", got)
	}
	if c := m.countsText(); !strings.HasPrefix(c, "4 active contacts · ") || !strings.Contains(c, "1 number shared") {
		t.Errorf("counts %q", c)
	}
	if w := m.whenText(); !strings.Contains(w, "region GB") {
		t.Errorf("when %q", w)
	}
	if got := problemNamed("Unparseable"); got != contacts.Unparseable || problemNamed(allProblems) != "" {
		t.Errorf("problemNamed: %q", got)
	}
	empty := newProblems(&contacts.Audit{}, nil)
	if !strings.HasPrefix(empty.shownText(), "No problems") {
		t.Errorf("no findings: %q", empty.shownText())
	}
}

func TestRegionNote(t *testing.T) {
	env := langEnv("en_IE.UTF-8")
	for _, tc := range []struct {
		typed       string
		saved, last contacts.Region
		profile     bool
		want        string
		bad         bool
	}{
		{"gb", "GB", "", true, "Numbers without a country code are read as GB numbers.", false},
		{" uk", "GB", "", true, "Numbers without a country code are read as GB numbers.", false},
		{"IE", "", "", true, "read as IE numbers (this computer's locale); saved for the profile when you press Enter or audit.", false},
		{"NZ", "", "NZ", true, "read as NZ numbers (the last audit's); saved for the profile", false},
		{"AU", "GB", "NZ", true, "read as AU numbers; saved for the profile", false},
		{"AU", "", "", false, "Numbers without a country code are read as AU numbers.", false},
		{"XX", "GB", "", true, "Type a two-letter country code", true},
		{"", "GB", "", true, "Type a two-letter country code", true},
	} {
		got, bad := regionNote(tc.typed, tc.saved, tc.last, tc.profile, env)
		if bad != tc.bad || !strings.Contains(got, tc.want) {
			t.Errorf("regionNote(%q, saved %q, last %q) = %q, %v; want %q, %v", tc.typed, tc.saved, tc.last, got, bad, tc.want, tc.bad)
		}
	}
}

// langEnv is an environment with only LANG set.
func langEnv(lang string) func(string) string {
	return func(k string) string {
		if k == "LANG" {
			return lang
		}
		return ""
	}
}

// runnerEnv is an audit runner and a caller test against the demo Halo,
// over a real database, with a stored profile and its secret.
type runnerEnv struct {
	db     *storage.DB
	srv    *halotest.Server
	p      storage.Profile
	runner auditRunner
	caller callerTest
}

func newRunnerEnv(t *testing.T, sc halotest.Scenario, configure func(*halo.Config)) *runnerEnv {
	t.Helper()
	srv := halotest.New(sc)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := db.CreateProfile(ctx, storage.Profile{Name: "P", HaloURL: srv.URL(), ClientID: srv.ClientID()})
	if err != nil {
		t.Fatal(err)
	}
	secrets := storage.NewMemorySecrets()
	if err := storage.StoreSecret(ctx, db, secrets, p, srv.ClientSecret(), ""); err != nil {
		t.Fatal(err)
	}
	if p, err = db.Profile(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	u := &UI{env: &Env{DB: db, Secrets: secrets, Log: applog.Discard(), Configure: configure}}
	return &runnerEnv{db: db, srv: srv, p: p, runner: auditRunner{db: db, client: u.profileClient, log: u.env.Log},
		caller: callerTest{client: u.profileClient}}
}

func TestAuditRunnerRunsAndReadsBack(t *testing.T) {
	e := newRunnerEnv(t, halotest.Demo(), nil)
	ctx := context.Background()
	if r, err := e.runner.last(ctx, e.p.ID); err != nil || r.problems != nil {
		t.Fatalf("before any audit: %+v, %v", r, err)
	}
	var reports []auditProgress
	var state auditProgress
	r, err := e.runner.run(ctx, e.p, "gb", func(change func(*auditProgress)) {
		change(&state)
		reports = append(reports, state)
	})
	if err != nil {
		t.Fatal(err)
	}
	a := r.problems.audit
	if a.Region != "GB" || a.Active != halotest.DemoActive || a.Unparseable != halotest.DemoUnparseable || !r.changes.First() {
		t.Fatalf("audit %s: %d active, %d unparseable; changes %+v", a.Region, a.Active, a.Unparseable, r.changes)
	}
	if len(reports) == 0 || !state.pulled || state.pull.Contacts != state.pull.ContactsTotal {
		t.Fatalf("progress: %d reports, last %+v", len(reports), state)
	}
	back, err := e.runner.last(ctx, e.p.ID)
	if err != nil || back.problems == nil || back.problems.audit.SharedNumbers != a.SharedNumbers || back.changes != r.changes {
		t.Fatalf("read back: %+v, %v", back, err)
	}
}

func TestAuditRunnerFailuresStoreNothing(t *testing.T) {
	e := newRunnerEnv(t, halotest.Demo(), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.runner.run(ctx, e.p, "GB", func(func(*auditProgress)) {})
	if text, step := auditFailure(err); !errors.Is(err, context.Canceled) || text != "Cancelled."+auditKept || step {
		t.Fatalf("cancelled: %v → %q", err, text)
	}
	sc := halotest.Demo()
	sc.Contacts.ContactsForbidden = true
	refused := newRunnerEnv(t, sc, nil)
	_, err = refused.runner.run(context.Background(), refused.p, "GB", func(func(*auditProgress)) {})
	if text, step := auditFailure(err); !step || !strings.HasPrefix(text, contactsAccessFix) {
		t.Fatalf("refused: %v → %q", err, text)
	}
	for _, e := range []*runnerEnv{e, refused} {
		if _, ok, err := e.db.ContactsSummary(context.Background(), e.p.ID); ok || err != nil {
			t.Fatalf("a failed audit stored a summary (%v)", err)
		}
	}
}

func TestContactsFailureTexts(t *testing.T) {
	ku := &storage.KeyringUnavailableError{}
	for _, tc := range []struct {
		err          error
		audit, look  string
		auditFixStep bool
	}{
		{errNoSecret, noSecretText, noSecretText, false},
		{ku, "The system keyring is unavailable (" + ku.Reason() + "), so the Client Secret cannot be read. To fix it, " + ku.Hint() + "." + auditKept,
			"The system keyring is unavailable (" + ku.Reason() + "), so the Client Secret cannot be read. To fix it, " + ku.Hint() + ".", false},
		{errors.New("boom"), "The audit failed: boom." + auditKept, "The lookup failed: boom.", false},
		{context.Canceled, "Cancelled." + auditKept, "Cancelled.", false},
	} {
		if got, step := auditFailure(tc.err); got != tc.audit || step != tc.auditFixStep {
			t.Errorf("audit %v: %q", tc.err, got)
		}
		if got := callerFailure(tc.err); got != tc.look {
			t.Errorf("lookup %v: %q", tc.err, got)
		}
	}
}

func TestCallerTestResults(t *testing.T) {
	e := newRunnerEnv(t, halotest.Demo(), nil)
	ctx := context.Background()
	r, err := e.caller.lookup(ctx, e.p, nil, "+1 202 555 0199", "GB")
	if err != nil || !strings.HasPrefix(r.verdict, "No contact") || !strings.Contains(r.verdict, "Only Halo's search was asked") || len(r.matches) != 0 {
		t.Fatalf("unknown caller: %+v, %v", r, err)
	}
	audited, err := e.runner.run(ctx, e.p, "GB", func(func(*auditProgress)) {})
	if err != nil {
		t.Fatal(err)
	}
	// Stored as "0113 496 0999", "(0113) 496-0999" and "01134960999":
	// Halo's search, asked for the caller-ID forms, finds only the last;
	// the snapshot names the other two.
	r, err = e.caller.lookup(ctx, e.p, audited.problems.snapshot, "0113 496 0999", "gb")
	if err != nil || !strings.HasPrefix(r.verdict, "One contact") || len(r.matches) != 3 {
		t.Fatalf("one found, two missed: %+v, %v", r, err)
	}
	for _, m := range r.matches {
		if !strings.Contains(m.text, "matched the ") || !strings.Contains(m.link, "userid=") {
			t.Errorf("match %+v", m)
		}
	}
	if !strings.Contains(r.missed, "the stored format may defeat 1stream's lookup") || !strings.Contains(r.missed, "+441134960999") {
		t.Fatalf("missed by Halo: %q", r.missed)
	}
}
