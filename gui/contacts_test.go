package gui

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

// contactsEnv is a connected profile's Contacts screen, shown.
func contactsEnv(t *testing.T, sc halotest.Scenario) (*checkEnv, *contactsScreen) {
	t.Helper()
	ce := newCheckEnv(t, sc, "")
	s := findScreen[*contactsScreen](ce.u)
	ce.u.goToContacts()
	ce.wait()
	if !isShown[*contactsScreen](ce.u) {
		t.Fatal("the Contacts screen is not shown")
	}
	s.region.entry.SetText("gb")
	return ce, s
}

// shownAudit is the audit the screen shows (nil: none).
func (s *contactsScreen) shownAudit() *contacts.Audit {
	if m := s.problems.model; m != nil {
		return m.audit
	}
	return nil
}

// audit presses Audit contacts and waits for the result.
func (s *contactsScreen) auditNow(t *testing.T, ce *checkEnv) {
	t.Helper()
	if s.audit.auditBtn.Disabled() {
		t.Fatalf("Audit contacts is disabled: %q", s.state.Text)
	}
	test.Tap(s.audit.auditBtn)
	ce.wait()
	if s.audit.running() {
		t.Fatal("the audit still runs after its work finished")
	}
}

func TestContactsAuditShowsDemoCounts(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	ctx := context.Background()
	if !s.state.Visible() || !strings.Contains(s.state.Text, "Not audited yet") || s.problems.body.Visible() {
		t.Fatalf("before the first audit the screen says %q (shown %v), body shown %v", s.state.Text, s.state.Visible(), s.problems.body.Visible())
	}
	s.auditNow(t, ce)
	if s.audit.errMsg.Visible() {
		t.Fatalf("audit failed: %s", s.audit.errMsg.Text)
	}
	a := s.shownAudit()
	if a == nil {
		t.Fatal("no audit shown")
	}
	got := [5]int{a.Active, a.MissingName, a.NoPhone, a.SharedNumbers, a.Unparseable}
	want := [5]int{halotest.DemoActive, halotest.DemoMissingName, halotest.DemoNoPhone, halotest.DemoSharedNumbers, halotest.DemoUnparseable}
	if got != want {
		t.Fatalf("counts %v, want %v", got, want)
	}
	wantText := strconv.Itoa(halotest.DemoActive) + " active contacts"
	for _, w := range []string{wantText, strconv.Itoa(halotest.DemoMissingName) + " missing a name",
		strconv.Itoa(halotest.DemoSharedNumbers) + " numbers shared"} {
		if !strings.Contains(s.problems.counts.Text, w) {
			t.Errorf("counts %q lack %q", s.problems.counts.Text, w)
		}
	}
	if !s.problems.body.Visible() || s.state.Visible() || !strings.Contains(s.problems.about.Text, "region GB") {
		t.Fatalf("after the audit: body %v, state %q, about %q", s.problems.body.Visible(), s.state.Text, s.problems.about.Text)
	}
	if !strings.HasSuffix(s.problems.about.Text, " First audit of this profile: the next one says what changed.") {
		t.Errorf("about = %q", s.problems.about.Text)
	}
	if rows, cols := s.problems.table.Length(); rows != len(a.Findings) || cols != contactsCols {
		t.Fatalf("table %d×%d, want %d rows", rows, cols, len(a.Findings))
	}
	// The region typed in lower case was saved on the profile.
	p, err := ce.db.Profile(ctx, ce.p.ID)
	if err != nil || p.Region != "GB" {
		t.Fatalf("profile region %q (%v)", p.Region, err)
	}
	sum, ok, err := ce.db.ContactsSummary(ctx, ce.p.ID)
	if err != nil || !ok || sum.Active != halotest.DemoActive {
		t.Fatalf("stored summary %+v %v %v", sum, ok, err)
	}
	// The site's number shows apart from the contact's own.
	for i, f := range a.Findings {
		if c := s.problems.model.snapshot[s.problems.model.byID[f.ContactID]]; c.SitePhone != "" {
			if got := s.problems.model.cellText(a.Findings[i], colSitePhone); got != c.SitePhone {
				t.Fatalf("site number %q, want %q", got, c.SitePhone)
			}
			break
		}
	}

	// Audited again: nothing changed. Shown again after a restart of the
	// screen's load: the stored snapshot.
	s.auditNow(t, ce)
	if !strings.Contains(s.problems.about.Text, " Nothing changed since the previous audit (") {
		t.Fatalf("re-audit changes = %q", s.problems.about.Text)
	}
	after := s.problems.about.Text
	s.setAudit(auditResult{})
	s.problems.about.SetText("")
	s.load()
	ce.wait()
	if s.shownAudit() == nil || s.shownAudit().Unparseable != halotest.DemoUnparseable {
		t.Fatal("the stored audit did not load")
	}
	// What changed is stored with the audit: it shows after a restart too.
	if s.problems.about.Text != after {
		t.Fatalf("changes after loading = %q, want %q", s.problems.about.Text, after)
	}
}

func TestContactsChangesText(t *testing.T) {
	prev := time.Date(2026, 11, 30, 9, 5, 0, 0, time.Local)
	for _, tc := range []struct {
		ch   storage.ContactsChanges
		want string
	}{
		{storage.ContactsChanges{}, "What changed since the previous audit shows after the next one."},
		{storage.ContactsChanges{Recorded: true}, "First audit of this profile: the next one says what changed."},
		{storage.ContactsChanges{Recorded: true, PreviousAt: prev}, "Nothing changed since the previous audit (" + fmtWhen(prev) + ")."},
		{storage.ContactsChanges{Recorded: true, PreviousAt: prev, Fixed: 1, New: 3},
			"Since the previous audit (" + fmtWhen(prev) + "): 1 problem fixed, 3 problems new."},
	} {
		if got := contactsChangesText(tc.ch); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.ch, got, tc.want)
		}
	}
}

func TestContactsFilter(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	s.auditNow(t, ce)
	total := len(s.shownAudit().Findings)
	s.problems.kind.SetSelected("Shared number")
	if len(s.problems.model.filter.shown) != halotest.DemoSharedContacts {
		t.Fatalf("shared-number rows = %d, want %d", len(s.problems.model.filter.shown), halotest.DemoSharedContacts)
	}
	if !strings.HasPrefix(s.problems.shownInfo.Text, strconv.Itoa(halotest.DemoSharedContacts)+" of ") {
		t.Errorf("info = %q", s.problems.shownInfo.Text)
	}
	// The shared demo number, typed as one of its stored forms.
	test.Type(s.problems.filter, "7946 0500")
	if len(s.problems.model.filter.shown) == 0 || len(s.problems.model.filter.shown) >= halotest.DemoSharedContacts {
		t.Fatalf("rows holding 7946 0500: %d", len(s.problems.model.filter.shown))
	}
	for _, i := range s.problems.model.filter.shown {
		f := s.shownAudit().Findings[i]
		if f.Problem != contacts.SharedNumber || f.Number != "+442079460500" {
			t.Fatalf("filtered row %+v", f)
		}
	}
	s.problems.filter.SetText("no such contact anywhere")
	if rows, _ := s.problems.table.Length(); len(s.problems.model.filter.shown) != 0 || rows != 0 {
		t.Fatalf("rows for nonsense: %d", len(s.problems.model.filter.shown))
	}
	s.problems.filter.SetText("")
	s.problems.kind.SetSelected(allProblems)
	if len(s.problems.model.filter.shown) != total {
		t.Fatalf("cleared filter shows %d of %d", len(s.problems.model.filter.shown), total)
	}
}

// cancelOnContacts presses the screen's Cancel as the first contacts page
// is requested, so the audit stops mid-pull every time.
type cancelOnContacts struct {
	s    *contactsScreen
	once sync.Once
}

func (c *cancelOnContacts) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.EqualFold(r.URL.Path, "/api/users") {
		c.once.Do(func() { c.s.audit.cancelBtn.OnTapped() })
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestContactsCancelStoresNothing(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	var runningSeen bool
	ce.u.env.Configure = func(c *halo.Config) {
		runningSeen = s.audit.running() && s.audit.cancelBtn.Visible() && s.audit.auditBtn.Disabled() && s.audit.bar.Visible()
		c.HTTPClient = &http.Client{Transport: &cancelOnContacts{s: s}}
	}
	s.auditNow(t, ce)
	if !runningSeen {
		t.Error("a running audit shows the progress bar and Cancel, and Audit is disabled")
	}
	if !s.audit.errMsg.Visible() || !strings.HasPrefix(s.audit.errMsg.Text, "Cancelled.") || !strings.Contains(s.audit.errMsg.Text, "Nothing was stored") {
		t.Fatalf("after Cancel: %q", s.audit.errMsg.Text)
	}
	if _, ok, err := ce.db.ContactsSummary(context.Background(), ce.p.ID); ok || err != nil {
		t.Fatalf("a cancelled audit stored a summary (%v)", err)
	}
	if s.shownAudit() != nil || s.audit.cancelBtn.Visible() || s.audit.bar.Visible() || s.audit.auditBtn.Disabled() {
		t.Fatal("after Cancel the screen is back to Audit contacts, with no audit")
	}
}

func TestContactsNoAccessNamesTheFix(t *testing.T) {
	sc := halotest.Demo()
	sc.Contacts.ContactsForbidden = true
	ce, s := contactsEnv(t, sc)
	s.auditNow(t, ce)
	if !s.audit.errMsg.Visible() || !strings.Contains(s.audit.errMsg.Text, "set Users Access Level to Read and Modify") {
		t.Fatalf("no-access message = %q", s.audit.errMsg.Text)
	}
	if !s.audit.fixBtn.Visible() {
		t.Fatal("no way to the checklist step")
	}
	test.Tap(s.audit.fixBtn)
	if !isShown[*checklistScreen](ce.u) {
		t.Fatal("the fix button does not show the checklist")
	}
	if _, ok, _ := ce.db.ContactsSummary(context.Background(), ce.p.ID); ok {
		t.Fatal("a refused audit stored a summary")
	}
}

func TestContactsLookupVerdicts(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	s.auditNow(t, ce)
	app := &urlApp{App: ce.u.app}
	ce.u.app = app
	// A contact without any problem has a number of its own.
	bad := map[int]bool{}
	for _, f := range s.shownAudit().Findings {
		bad[f.ContactID] = true
	}
	var own halo.Contact
	for _, c := range s.problems.model.snapshot {
		if !bad[c.ID] && c.PhoneNumber != "" {
			own = c
			break
		}
	}
	if own.ID == 0 {
		t.Fatal("the demo has no contact without problems")
	}
	look := func(number string) {
		t.Helper()
		s.caller.entry.SetText(number)
		test.Tap(s.caller.testBtn)
		ce.wait()
	}

	look(own.PhoneNumber)
	if !strings.HasPrefix(s.caller.verdict.Text, "One contact") || len(s.caller.matches.Objects) != 1 {
		t.Fatalf("one: %q, %d matches", s.caller.verdict.Text, len(s.caller.matches.Objects))
	}
	open := findButton(s.caller.matches.Objects[0], "Open in Halo")
	if open == nil {
		t.Fatal("the match has no Open in Halo")
	}
	test.Tap(open)
	inst, _ := halo.ParseInstance(ce.p.HaloURL)
	if len(app.opened) != 1 || app.opened[0] != contacts.ContactLink(inst, own.ID) {
		t.Fatalf("opened %v", app.opened)
	}

	look("+1 202 555 0199")
	if !strings.HasPrefix(s.caller.verdict.Text, "No contact") || !strings.Contains(s.caller.verdict.Text, "unknown caller") || len(s.caller.matches.Objects) != 0 {
		t.Fatalf("none: %q", s.caller.verdict.Text)
	}

	// Stored as "0113 496 0999", "(0113) 496-0999" and "01134960999":
	// Halo's search, asked for the caller-ID forms, finds only the last;
	// the snapshot names the other two.
	look("0113 496 0999")
	if !strings.HasPrefix(s.caller.verdict.Text, "One contact") || len(s.caller.matches.Objects) != 3 {
		t.Fatalf("one found, two missed: %q, %d matches", s.caller.verdict.Text, len(s.caller.matches.Objects))
	}
	if !s.caller.missed.Visible() {
		t.Fatalf("missed by Halo: %q", s.caller.missed.Text)
	}
}

func TestContactsExportCSV(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	if !s.problems.exportBtn.Disabled() {
		t.Fatal("Export is enabled without an audit")
	}
	s.auditNow(t, ce)
	test.Tap(s.problems.exportBtn)
	sd := s.exportDlg
	if sd == nil {
		t.Fatal("no save dialog")
	}
	dir := t.TempDir()
	sd.folder.SetText(dir)
	sd.name.SetText("audit")
	test.Tap(sd.save)
	ce.wait()
	b, err := os.ReadFile(filepath.Join(dir, "audit.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	if lines[0] != "Problem,Contact ID,Contact,Client,Site,Numbers,Halo Link" {
		t.Fatalf("header %q", lines[0])
	}
	if len(lines) != len(s.shownAudit().Findings)+1 {
		t.Fatalf("%d rows, want %d", len(lines)-1, len(s.shownAudit().Findings))
	}
	f := s.shownAudit().Findings[0]
	if !strings.HasPrefix(lines[1], string(f.Problem)+","+strconv.Itoa(f.ContactID)+",") || !strings.Contains(lines[1], "userid="+strconv.Itoa(f.ContactID)) {
		t.Fatalf("first row %q for %+v", lines[1], f)
	}
}

func TestContactsEmptyStates(t *testing.T) {
	te := newTestUI(t, "")
	s := findScreen[*contactsScreen](te.u)
	if !strings.HasPrefix(s.state.Text, "No profile selected") || !s.audit.auditBtn.Disabled() || !s.caller.testBtn.Disabled() {
		t.Fatalf("no profile: %q", s.state.Text)
	}
	p, err := te.db.CreateProfile(context.Background(), storage.Profile{Name: "Fresh"})
	if err != nil {
		t.Fatal(err)
	}
	te.u.profiles.afterChange(p.ID)
	te.wait()
	if !strings.Contains(s.state.Text, "no connection yet") || !s.audit.auditBtn.Disabled() {
		t.Fatalf("no connection: %q", s.state.Text)
	}
	// A region that is no country code cannot be audited with.
	s.region.entry.SetText("XX")
	if s.region.note.Importance != widget.DangerImportance {
		t.Fatalf("region note %q", s.region.note.Text)
	}
}

func TestContactsPullText(t *testing.T) {
	pp := halo.PullProgress{Stage: "contacts", Pages: 5, PagesTotal: 20, Contacts: 500, ContactsTotal: 2000}
	got := pullText(pp, 10*time.Second)
	if !strings.Contains(got, "500 of 2000 read (page 5 of 20)") || !strings.Contains(got, "about 30") {
		t.Fatalf("pullText = %q", got)
	}
}

// BenchmarkContactsFilter50k is one keystroke in the filter of a table of
// 50,000 contacts' problems.
func BenchmarkContactsFilter50k(b *testing.B) {
	test.NewTempApp(b)
	v := newProblemsView(func(int) {}, func(int) {}, func() {})
	w := test.NewWindow(container.NewStack(v.body))
	defer w.Close()
	w.Resize(fyne.NewSize(1180, 760))
	all := make([]halo.Contact, 50000)
	for i := range all {
		all[i] = halo.Contact{ID: 1000 + i, FirstName: "First" + strconv.Itoa(i), ClientName: "Client " + strconv.Itoa(i%300),
			SiteName: "Main", PhoneNumber: "020 7946 " + strconv.Itoa(i%10000)}
	}
	a := contacts.Run(all, "GB", time.Now())
	v.set(newProblems(&a, all), "")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v.filter.SetText("client " + strconv.Itoa(i%300))
	}
}

func TestContactsAuditProgressAndRateLimit(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	sc := halotest.Demo()
	sc.RateLimit, sc.RateWindow, sc.RateLimitRetryAfter, sc.Now = 2, 10*time.Second, true, clock.Now
	ce, s := contactsEnv(t, sc)
	ce.u.env.Configure = func(c *halo.Config) {
		c.Now, c.Sleep = clock.Now, clock.Sleep
		c.RateLimit = -1 // let Halo's own limit answer 429s
	}
	s.auditNow(t, ce)
	if ce.srv.Rejected() == 0 {
		t.Fatal("the scenario should have rate-limited some requests")
	}
	if s.audit.errMsg.Visible() || s.shownAudit() == nil || s.shownAudit().Active != halotest.DemoActive {
		t.Fatalf("a rate-limited audit should wait and finish: %q", s.audit.errMsg.Text)
	}
	if !strings.Contains(s.audit.waitNote.Text, "slow down") || s.audit.waitNote.Visible() {
		t.Fatalf("the wait was not explained (or not cleared): %q", s.audit.waitNote.Text)
	}
	// The last progress shown, kept in the hidden label.
	want := strconv.Itoa(halotest.DemoActive) + " of " + strconv.Itoa(halotest.DemoActive) + " read (page 2 of 2)"
	if !strings.Contains(s.audit.progress.Text, want) || s.audit.progress.Visible() {
		t.Fatalf("progress %q, want %q", s.audit.progress.Text, want)
	}
}

func TestContactsKeyringAndSecretMissing(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	ce.secrets.FailWith(&storage.KeyringUnavailableError{})
	s.auditNow(t, ce)
	if !strings.HasPrefix(s.audit.errMsg.Text, "The system keyring is unavailable") || s.audit.fixBtn.Visible() {
		t.Fatalf("keyring failure: %q", s.audit.errMsg.Text)
	}
	ce.secrets.FailWith(nil)
	if err := ce.secrets.Delete(context.Background(), ce.p.ID); err != nil {
		t.Fatal(err)
	}
	s.auditNow(t, ce)
	if !strings.HasPrefix(s.audit.errMsg.Text, "No Client Secret is stored") {
		t.Fatalf("no secret: %q", s.audit.errMsg.Text)
	}
	if n := ce.srv.PathCount("/api/users"); n != 0 {
		t.Fatalf("%d contact requests without a secret", n)
	}
}

func TestContactsProfileSwitchDuringAudit(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	s.auditNow(t, ce)
	other, err := ce.db.CreateProfile(context.Background(), storage.Profile{Name: "Other", HaloURL: ce.srv.URL(), ClientID: ce.srv.ClientID()})
	if err != nil {
		t.Fatal(err)
	}
	// The audit's work and its completion wait until the profile changed.
	release := holdAsync(t, ce.u, func() { test.Tap(s.audit.auditBtn) })
	ce.u.profiles.afterChange(other.ID)
	release()
	ce.wait()
	if s.profile == nil || s.profile.ID != other.ID || s.shownAudit() != nil || s.audit.running() {
		t.Fatalf("after switching: profile %v, audit %v, running %v", s.profile, s.shownAudit() != nil, s.audit.running())
	}
	if !strings.Contains(s.state.Text, "Not audited yet") || s.audit.errMsg.Visible() {
		t.Fatalf("the other profile's screen says %q (error %q)", s.state.Text, s.audit.errMsg.Text)
	}
	if p, _ := ce.db.Profile(context.Background(), ce.p.ID); p.Region != "GB" {
		t.Fatalf("the region typed for the first profile was not saved: %q", p.Region)
	}
	ce.u.profiles.afterChange(ce.p.ID)
	ce.wait()
	if s.shownAudit() == nil || s.shownAudit().Active != halotest.DemoActive {
		t.Fatal("back on the audited profile its audit shows")
	}
}

func TestContactsRegionSavedOnEnter(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	if !strings.Contains(s.region.note.Text, "saved for the profile when you press Enter") {
		t.Fatalf("an unsaved region's note: %q", s.region.note.Text)
	}
	s.region.entry.SetText(" us")
	s.region.entry.OnSubmitted(s.region.entry.Text)
	ce.wait()
	p, err := ce.db.Profile(context.Background(), ce.p.ID)
	if err != nil || p.Region != "US" {
		t.Fatalf("region %q (%v)", p.Region, err)
	}
	if s.region.note.Text != "Numbers without a country code are read as US numbers." || s.profile.Region != "US" {
		t.Fatalf("saved region's note: %q", s.region.note.Text)
	}
	// Another screen's copy of the profile has it too (a later connection
	// save must not put the old region back).
	if c := findScreen[*connectionScreen](ce.u); ce.u.current == nil || ce.u.current.Region != "US" || c.profile == nil || c.profile.Region != "US" {
		t.Fatal("the current profile (and the Connection screen's) does not carry the saved region")
	}
}

// demoUI is the app in demo mode, started, in a test window.
func demoUI(t *testing.T) (*UI, *Env, fyne.Window) {
	t.Helper()
	env := openDemo(t, t.TempDir())
	a := test.NewTempApp(t)
	w := a.NewWindow("demo")
	u := newUI(a, w, env, testOptions())
	w.Resize(fyne.NewSize(1180, 760))
	t.Cleanup(func() { u.Close(); w.Close() })
	u.Start()
	u.bg.wait()
	return u, env, w
}

func TestContactsDemoModeAuditsWithF5(t *testing.T) {
	u, env, w := demoUI(t)
	p, err := env.DB.ProfileByName(context.Background(), demoProfileName)
	if err != nil || p.Region != "GB" {
		t.Fatalf("demo profile region %q (%v)", p.Region, err)
	}
	u.profiles.afterChange(p.ID)
	u.bg.wait()
	u.goToContacts()
	s := findScreen[*contactsScreen](u)
	if s.region.entry.Text != "GB" {
		t.Fatalf("region shown %q", s.region.entry.Text)
	}
	w.Canvas().Unfocus()
	w.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF5})
	u.bg.wait()
	if s.shownAudit() == nil || s.shownAudit().Unparseable != halotest.DemoUnparseable || s.shownAudit().SharedNumbers != halotest.DemoSharedNumbers {
		t.Fatalf("F5 in demo mode: audit %+v, error %q", s.shownAudit(), s.audit.errMsg.Text)
	}
}

// The checklist's "Users Access Level" step and the systems check's
// contacts row both lead to the Contacts screen.
func TestChecklistAndCheckRowLeadToContacts(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	cl := findScreen[*checklistScreen](ce.u)
	r := cl.byID["agent-perm-users"]
	if r == nil || r.button == nil {
		t.Fatal("the Users Access Level step has no button")
	}
	test.Tap(r.button)
	if !isShown[*contactsScreen](ce.u) {
		t.Fatal("the checklist step does not open the Contacts screen")
	}
	cs := findScreen[*checkScreen](ce.u)
	ce.u.showScreen(func(s screen) bool { return s == screen(cs) })
	cs.list.set(halo.CheckResult{ID: halo.CheckContacts, Status: halo.StatusWarn, Detail: "No contacts visible."})
	row := cs.list.byID[halo.CheckContacts]
	if row.open == nil || !row.open.Visible() {
		t.Fatal("the contacts row offers no way to the Contacts screen")
	}
	test.Tap(row.open)
	if !isShown[*contactsScreen](ce.u) {
		t.Fatal("the contacts row does not open the Contacts screen")
	}
	cs.list.set(halo.CheckResult{ID: halo.CheckContacts, Status: halo.StatusSkip})
	if row.open.Visible() {
		t.Fatal("a skipped contacts check still offers the audit")
	}
}

// At the window's default size the problems table shows every column.
func TestContactsTableFitsTheDefaultWindow(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	s.auditNow(t, ce)
	width := s.problems.table.Size().Width
	if width < 800 {
		t.Fatalf("the table is only %v wide", width)
	}
	sum := float32(contactsCols) * theme.Padding()
	for _, cw := range s.problems.table.colW {
		sum += cw
	}
	if sum > width {
		t.Fatalf("the columns take %v of the table's %v: the last ones need sideways scrolling", sum, width)
	}
	if !strings.Contains(s.problems.shownInfo.Text, sitePhoneNote) {
		t.Errorf("info %q does not say what the site's number is", s.problems.shownInfo.Text)
	}
}
