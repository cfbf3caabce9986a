package gui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The check dialog and the screens' loads complete through runAsync; run
// them inline so completions never touch widgets concurrently (Fyne's test
// driver runs fyne.Do on whatever goroutine calls it).

// checkEnv is a UI with one profile pointing at a simulated Halo.
type checkEnv struct {
	*testEnv
	srv *halotest.Server
	p   storage.Profile
}

func newCheckEnv(t *testing.T, sc halotest.Scenario, secret string) *checkEnv {
	t.Helper()
	srv := halotest.New(sc)
	t.Cleanup(srv.Close)
	te := newTestUI(t, "")
	ctx := context.Background()
	p, err := te.db.CreateProfile(ctx, storage.Profile{Name: "Contoso MSP", HaloURL: srv.URL(), ClientID: srv.ClientID()})
	if err != nil {
		t.Fatal(err)
	}
	if secret == "" {
		secret = srv.ClientSecret()
	}
	// As the Connection screen stores it: bound to this server.
	if err := storage.StoreSecret(ctx, te.db, te.secrets, p, secret, ""); err != nil {
		t.Fatal(err)
	}
	te.u.profiles.afterChange(p.ID)
	te.wait()
	if te.u.current == nil || te.u.current.ID != p.ID {
		t.Fatal("the profile did not become current")
	}
	return &checkEnv{testEnv: te, srv: srv, p: p}
}

// runCheck opens the dialog like Ctrl+R does and waits for the result.
func (ce *checkEnv) runCheck(t *testing.T) *checkDialog {
	t.Helper()
	ce.u.runSystemsCheck()
	cd := findScreen[*checkScreen](ce.u).dlg
	if cd == nil {
		t.Fatal("no check dialog")
	}
	ce.wait()
	if cd.job.running {
		t.Fatal("the check is still running after its work finished")
	}
	return cd
}

func statusOf(cd *checkDialog, id string) halo.Status { return cd.list.byID[id].status }

func TestCheckDialogSuccessStoresRunAndSnapshot(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	cd := ce.runCheck(t)

	for _, r := range cd.list.rows {
		if r.status != halo.StatusPass && r.status != halo.StatusWarn {
			t.Errorf("%s: %s — %s", r.id, r.status, r.detail.Text)
		}
		if r.spin.Visible() {
			t.Errorf("%s: spinner still shown", r.id)
		}
	}
	if cd.report == nil || !cd.report.OK {
		t.Fatalf("report = %+v", cd.report)
	}
	if cd.summary.Importance == widget.DangerImportance {
		t.Fatalf("summary = %q", cd.summary.Text)
	}
	want := ce.srv.VisibleAgents(true, true)
	if !strings.Contains(cd.progress.pullLabel.Text, "Pulled "+halo.CountOf(want, "agent")) || !strings.Contains(cd.progress.pullLabel.Text, "2 departments") {
		t.Fatalf("pull label = %q (want %d agents)", cd.progress.pullLabel.Text, want)
	}
	if cd.progress.pullBar.Value != cd.progress.pullBar.Max || cd.progress.bar.Value != cd.progress.bar.Max {
		t.Fatal("progress bars are not full after success")
	}
	if !cd.buttons.close.Visible() || cd.buttons.cancel.Visible() || cd.buttons.rerun.Disabled() || cd.buttons.copy.Disabled() {
		t.Fatal("finished dialog: Close, Re-run and Copy report must be available, Cancel gone")
	}

	ctx := context.Background()
	snap, at, err := ce.db.Snapshot(ctx, ce.p.ID)
	if err != nil || at.IsZero() || len(snap.Agents) != want {
		t.Fatalf("snapshot: %d agents at %v, %v", len(snap.Agents), at, err)
	}
	run, ok, err := ce.db.LatestRun(ctx, ce.p.ID, storage.RunCheck)
	if err != nil || !ok || !run.OK || run.Agents != want || run.Teams == 0 || run.Departments != 2 {
		t.Fatalf("run = %+v, %v, %v", run, ok, err)
	}
	var stored halo.Report
	if err := json.Unmarshal(run.Report, &stored); err != nil || len(stored.Checks) != len(halo.CheckIDs()) {
		t.Fatalf("stored report: %v", err)
	}
	if strings.Contains(string(run.Report), ce.srv.ClientSecret()) {
		t.Fatal("the stored report contains the secret")
	}

	// The other screens heard about it.
	cl := findScreen[*checklistScreen](ce.u)
	if !strings.Contains(cl.byID["halo-12"].status.Text, "verified by check") {
		t.Fatalf("checklist not updated: %q", cl.byID["halo-12"].status.Text)
	}
	cs := findScreen[*checkScreen](ce.u)
	if !strings.Contains(cs.last.Text, "All checks passed") && !strings.Contains(cs.last.Text, "Passed with") {
		t.Fatalf("check screen: %q", cs.last.Text)
	}

	// Copy report: Markdown without the secret.
	test.Tap(cd.buttons.copy)
	clip := ce.u.app.Clipboard().Content()
	if !strings.HasPrefix(clip, "# Halo systems check") || strings.Contains(clip, ce.srv.ClientSecret()) {
		t.Fatalf("copied report:\n%s", clip)
	}
	// Save report…: the same Markdown in a file.
	path := filepath.Join(t.TempDir(), reportFileName(ce.p.Name, cd.report.Started))
	cd.saveReportTo(path, nil)
	ce.wait()
	b, err := os.ReadFile(path)
	if err != nil || string(b) != clip {
		t.Fatalf("saved report differs: %v", err)
	}

	normalisedGolden(t, cd, "check/success.xml")

	// Esc closes the dialog.
	ce.u.escape()
	if cd.visible || ce.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Esc did not close the dialog")
	}
}

func TestCheckDialogBadSecret(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "00000000-0000-4000-8000-000000000000-00000000-0000-4000-8000-000000000000")
	cd := ce.runCheck(t)
	if statusOf(cd, halo.CheckToken) != halo.StatusFail {
		t.Fatalf("token = %s", statusOf(cd, halo.CheckToken))
	}
	for _, id := range []string{halo.CheckIdentity, halo.CheckAgents, halo.CheckTeams} {
		if statusOf(cd, id) != halo.StatusSkip {
			t.Errorf("%s should be skipped after a failed login, is %s", id, statusOf(cd, id))
		}
	}
	row := cd.list.byID[halo.CheckToken]
	if !row.fix.Visible() || !strings.Contains(row.fix.Text, "How to fix") || !row.goTo.Visible() {
		t.Fatalf("a failed check shows its fix and a step button: fix=%q", row.fix.Text)
	}
	if !strings.Contains(cd.summary.Text, "1 check failed") {
		t.Fatalf("summary = %q", cd.summary.Text)
	}
	if !strings.Contains(cd.progress.pullLabel.Text, "No user data") {
		t.Fatalf("pull label = %q", cd.progress.pullLabel.Text)
	}
	run, ok, _ := ce.db.LatestRun(context.Background(), ce.p.ID, storage.RunCheck)
	if !ok || run.OK || !strings.Contains(run.Summary, "Client ID and Secret") {
		t.Fatalf("failed run not stored: %+v", run)
	}
	if _, at, _ := ce.db.Snapshot(context.Background(), ce.p.ID); !at.IsZero() {
		t.Fatal("a failed check must not store a snapshot")
	}
	normalisedGolden(t, cd, "check/bad_secret.xml")

	// "Checklist step" closes the dialog and shows the step.
	test.Tap(row.goTo)
	cl := findScreen[*checklistScreen](ce.u)
	if cd.visible || ce.u.screens[ce.u.active] != screen(cl) || cl.lit == nil || cl.lit.step.ID != row.step {
		t.Fatalf("Go to step did not reveal %q", row.step)
	}
}

// storeEarlierSync stores a snapshot of three agents as an earlier sync
// would have, at t0.
func storeEarlierSync(t *testing.T, ce *checkEnv) (halo.Snapshot, time.Time) {
	t.Helper()
	snap := halo.Snapshot{Agents: agentsSnapshot(3).Agents[:3]}
	t0 := time.Date(2026, 2, 3, 10, 30, 0, 0, time.UTC)
	if err := ce.db.ReplaceSnapshot(context.Background(), ce.p.ID, snap, t0); err != nil {
		t.Fatal(err)
	}
	return snap, t0
}

// earlierSyncKept fails unless the stored snapshot is still the one
// storeEarlierSync stored.
func earlierSyncKept(t *testing.T, ce *checkEnv, want halo.Snapshot, t0 time.Time) {
	t.Helper()
	got, at, err := ce.db.Snapshot(context.Background(), ce.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !at.Equal(t0) || len(got.Agents) != len(want.Agents) {
		t.Fatalf("the earlier sync was replaced: %d agents at %v, want %d at %v", len(got.Agents), at, len(want.Agents), t0)
	}
	for i := range want.Agents {
		if got.Agents[i].ID != want.Agents[i].ID || got.Agents[i].Name != want.Agents[i].Name {
			t.Fatalf("agent %d is %+v, want %+v", i, got.Agents[i], want.Agents[i])
		}
	}
}

func TestCheckDialogAPIAgentInNoTeam(t *testing.T) {
	ce := newCheckEnv(t, halotest.Scenario{APIAgentInNoTeam: true}, "")
	earlier, t0 := storeEarlierSync(t, ce)
	cd := ce.runCheck(t)
	earlierSyncKept(t, ce, earlier, t0)
	id := cd.list.byID[halo.CheckIdentity]
	if id.status != halo.StatusFail || id.step != "halo-notice" {
		t.Fatalf("identity = %s, step %q: %s", id.status, id.step, id.detail.Text)
	}
	if statusOf(cd, halo.CheckAgents) != halo.StatusWarn {
		t.Fatalf("agents = %s", statusOf(cd, halo.CheckAgents))
	}
	if !strings.Contains(cd.list.byID[halo.CheckAgents].fix.Text, "Departments & Teams") {
		t.Fatalf("agents fix = %q", cd.list.byID[halo.CheckAgents].fix.Text)
	}
	cl := findScreen[*checklistScreen](ce.u)
	if cl.byID["halo-notice"].status.Visible() {
		t.Fatal("a failed identity check must not verify the notice")
	}
	if !strings.Contains(cl.byID["halo-9"].status.Text, "verified") {
		t.Fatal("working credentials still verify steps 9–13")
	}
	// The check read the one agent it sees, but a failed check stores no
	// snapshot: the pull line must not claim otherwise.
	if strings.Contains(cd.progress.pullLabel.Text, "Saved") || !strings.Contains(cd.progress.pullLabel.Text, "The stored agents were kept: the check did not pass") {
		t.Fatalf("pull line = %q", cd.progress.pullLabel.Text)
	}
	normalisedGolden(t, cd, "check/no_team.xml")
}

// fakeClock is shared by the simulated Halo and the client so rate-limit
// waits take no real time.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func TestCheckDialogRateLimited(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	sc := halotest.Demo()
	sc.RateLimit, sc.RateWindow, sc.RateLimitRetryAfter, sc.Now = 3, 10*time.Second, true, clock.Now
	ce := newCheckEnv(t, sc, "")
	ce.u.env.Configure = func(c *halo.Config) {
		c.Now, c.Sleep = clock.Now, clock.Sleep
		c.RateLimit = -1 // let Halo's own limit answer 429s
	}
	cd := ce.runCheck(t)
	if ce.srv.Rejected() == 0 {
		t.Fatal("the scenario should have rate-limited some requests")
	}
	if !cd.report.OK {
		t.Fatalf("a rate-limited check should wait and pass: %s", cd.report.Markdown())
	}
	if !strings.Contains(cd.progress.waitNote.Text, "slow down") || cd.progress.waitNote.Visible() {
		t.Fatalf("the wait was not explained (or not cleared): %q", cd.progress.waitNote.Text)
	}
	normalisedGolden(t, cd, "check/rate_limited.xml")
}

// cancelAfter is an http.RoundTripper that presses Cancel once Halo has
// issued a token and the data is being read, like an admin who changes their mind mid-check.
// The data calls run in parallel, hence the Once; Cancel only cancels a
// context, which is safe from any goroutine.
type cancelAfter struct {
	next http.RoundTripper
	ui   *UI
	once sync.Once
}

func (c *cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if strings.Contains(strings.ToLower(r.URL.Path), "/api/agent") {
		c.once.Do(func() { findScreen[*checkScreen](c.ui).dlg.buttons.cancel.OnTapped() })
	}
	return resp, err
}

func TestCheckDialogCancelled(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	earlier, t0 := storeEarlierSync(t, ce)
	var seenRunning bool
	ce.u.env.Configure = func(c *halo.Config) {
		cd := findScreen[*checkScreen](ce.u).dlg
		seenRunning = cd.job.running && cd.buttons.cancel.Visible() && !cd.buttons.close.Visible() && cd.buttons.rerun.Disabled()
		c.HTTPClient = &http.Client{Transport: &cancelAfter{next: http.DefaultTransport, ui: ce.u}}
	}
	cd := ce.runCheck(t)
	if !seenRunning {
		t.Fatal("a running check offers Cancel only")
	}
	if !strings.HasPrefix(cd.summary.Text, "Cancelled") {
		t.Fatalf("summary = %q", cd.summary.Text)
	}
	if statusOf(cd, halo.CheckToken) != halo.StatusPass {
		t.Fatalf("token = %s: the cancel came after it", statusOf(cd, halo.CheckToken))
	}
	for _, r := range cd.list.rows {
		if r.status == halo.StatusRunning || r.status == "" {
			t.Errorf("%s left as %q", r.id, r.status)
		}
	}
	run, ok, _ := ce.db.LatestRun(context.Background(), ce.p.ID, storage.RunCheck)
	if !ok || run.OK || run.Summary != "Cancelled" {
		t.Fatalf("cancelled run = %+v", run)
	}
	// The cancelled check stored nothing: the earlier sync stays, and the
	// pull line says so whether or not the cancel came before any agent was
	// read (the cancel races the first agent page).
	earlierSyncKept(t, ce, earlier, t0)
	if !strings.Contains(cd.progress.pullLabel.Text, "kept") {
		t.Fatalf("pull line = %q", cd.progress.pullLabel.Text)
	}
	// Re-run in the same dialog, now to the end.
	ce.u.env.Configure = nil
	test.Tap(cd.buttons.rerun)
	ce.wait()
	if cd.report == nil || !cd.report.OK {
		t.Fatal("re-run after cancel did not pass")
	}
}

// cancelBefore presses Cancel as a request for a path containing path is
// about to go out, so the check stops at the same place every time.
type cancelBefore struct {
	path string
	ui   *UI
	once sync.Once
}

func (c *cancelBefore) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(strings.ToLower(r.URL.Path), c.path) {
		c.once.Do(func() { findScreen[*checkScreen](c.ui).dlg.buttons.cancel.OnTapped() })
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestCheckDialogCancelledGolden(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	ce.u.env.Configure = func(c *halo.Config) {
		c.HTTPClient = &http.Client{Transport: &cancelBefore{path: "token", ui: ce.u}}
	}
	cd := ce.runCheck(t)
	if !strings.HasPrefix(cd.summary.Text, "Cancelled") || statusOf(cd, halo.CheckHalo) != halo.StatusPass ||
		statusOf(cd, halo.CheckToken) != halo.StatusSkip {
		t.Fatalf("summary %q, halo %s, token %s", cd.summary.Text, statusOf(cd, halo.CheckHalo), statusOf(cd, halo.CheckToken))
	}
	normalisedGolden(t, cd, "check/cancelled.xml")
}

func TestCheckWithoutSecretSaysSo(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	_ = ce.secrets.Delete(context.Background(), ce.p.ID)
	cd := ce.runCheck(t)
	tok := cd.list.byID[halo.CheckToken]
	if tok.status != halo.StatusFail || !strings.Contains(tok.detail.Text, "Secret") {
		t.Fatalf("token = %s: %q", tok.status, tok.detail.Text)
	}
}

func TestCheckKeyringFailure(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	ce.secrets.FailWith(&storage.KeyringUnavailableError{})
	cd := ce.runCheck(t)
	if !strings.HasPrefix(cd.summary.Text, "The check could not run") || !cd.buttons.copy.Disabled() {
		t.Fatalf("summary = %q", cd.summary.Text)
	}
	if _, ok, _ := ce.db.LatestRun(context.Background(), ce.p.ID, storage.RunCheck); ok {
		t.Fatal("a check that never ran must not be stored")
	}
}

func TestReportFileName(t *testing.T) {
	at := time.Date(2026, 1, 2, 15, 4, 0, 0, time.Local)
	if got := reportFileName("Contoso MSP / Ünïcode!", at); got != "systems-check-contoso-msp-ünïcode-2026-01-02-1504.md" {
		t.Fatalf("got %q", got)
	}
	if got := reportFileName("!!!", at); got != "systems-check-profile-2026-01-02-1504.md" {
		t.Fatalf("got %q", got)
	}
}

var (
	portRe = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	msRe   = regexp.MustCompile(`\d+ ms`)
)

// normalisedGolden renders the dialog's summary and finished rows with the
// random port and timings replaced, so the markup is stable.
func normalisedGolden(t *testing.T, cd *checkDialog, name string) {
	t.Helper()
	normalise := func(s string) string {
		return msRe.ReplaceAllString(portRe.ReplaceAllString(s, "127.0.0.1:PORT"), "N ms")
	}
	rep := *cd.report
	rep.Checks = append([]halo.CheckResult(nil), rep.Checks...)
	for i := range rep.Checks {
		c := &rep.Checks[i]
		c.Duration = 0
		c.Detail = normalise(c.Detail)
	}
	l := newCheckResults(func(string) {})
	l.setReport(rep)
	summary := widget.NewLabelWithStyle(normalise(cd.summary.Text), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	summary.Wrapping = fyne.TextWrapWord
	summary.Importance = cd.summary.Importance
	content := container.NewVBox(summary, widget.NewSeparator(), l.box)
	w := test.NewTempWindow(t, content)
	w.Resize(fyne.NewSize(820, 100))
	w.Resize(fyne.NewSize(820, content.MinSize().Height))
	test.AssertObjectRendersToMarkup(t, name, content)
}

func TestKeyboardCtrlREscAndToolbar(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	c := ce.win.Canvas()
	ctrlR := &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	c.(fyne.Shortcutable).TypedShortcut(ctrlR)
	ce.wait()
	cs := findScreen[*checkScreen](ce.u)
	if cs.dlg == nil || !cs.dlg.visible || cs.dlg.report == nil {
		t.Fatal("Ctrl+R did not run the check")
	}
	first := cs.dlg.report
	// Ctrl+R again re-runs in the open dialog.
	c.(fyne.Shortcutable).TypedShortcut(ctrlR)
	ce.wait()
	if cs.dlg.report == first {
		t.Fatal("Ctrl+R with the dialog open should re-run it")
	}
	runs, _ := ce.db.Runs(context.Background(), ce.p.ID, 0)
	if len(runs) != 2 {
		t.Fatalf("%d runs stored", len(runs))
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if cs.dlg.visible || c.Overlays().Top() != nil {
		t.Fatal("Esc did not close the dialog")
	}
	// Without a profile the toolbar button explains instead of failing.
	ce.u.setCurrent(nil)
	c.(fyne.Shortcutable).TypedShortcut(ctrlR)
	if c.Overlays().Top() == nil {
		t.Fatal("Ctrl+R without a profile should say why nothing runs")
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Fatal("Esc closes any dialog")
	}
}

func TestCheckDialogNotesAndOneDuration(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	cd := ce.runCheck(t)
	summary := cd.summary.Text
	// One duration, the check's own, shown once.
	if got, want := cd.progress.elapsed.Text, halo.FormatDuration(cd.report.Duration); got != want {
		t.Fatalf("elapsed shows %q, the report took %q", got, want)
	}
	if strings.Contains(summary, " ms") || strings.Contains(summary, " s:") || strings.Contains(summary, " in ") {
		t.Fatalf("the summary repeats a duration: %q", summary)
	}
	test.Tap(cd.buttons.copy)
	test.Tap(cd.buttons.copy)
	if cd.summary.Text != summary || !cd.note.Visible() || cd.note.Text != "Report copied to the clipboard." {
		t.Fatalf("after two copies: summary %q, note %q", cd.summary.Text, cd.note.Text)
	}
	// Save report… asks for a folder and name, then writes the file.
	test.Tap(cd.buttons.save)
	sd := cd.saveDlg
	if sd == nil {
		t.Fatal("Save report did not ask where")
	}
	dir := t.TempDir()
	sd.folder.SetText(dir)
	test.Tap(sd.save)
	ce.wait()
	path := filepath.Join(dir, reportFileName(ce.p.Name, cd.report.Started))
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "# Halo systems check") {
		t.Fatalf("saved report: %v", err)
	}
	if cd.summary.Text != summary || cd.note.Text != "Report saved to "+path+"." {
		t.Fatalf("after saving: summary %q, note %q", cd.summary.Text, cd.note.Text)
	}
	// Re-running clears the note.
	cd.start()
	ce.wait()
	if cd.note.Visible() {
		t.Fatal("a new run keeps the old note")
	}
}

func TestPullOutcomeClaimsSavedOnlyWhenStored(t *testing.T) {
	passed := halo.Report{OK: true, Snapshot: &halo.Snapshot{}}
	if got := pullOutcome(passed, false, nil); got != "Saved for the Mapping screen." {
		t.Fatalf("stored: %q", got)
	}
	for name, got := range map[string]string{
		"storing failed": pullOutcome(passed, false, errors.New("disk I/O error")),
		"cancelled":      pullOutcome(passed, true, nil),
		"failed check":   pullOutcome(halo.Report{OK: false}, false, nil),
	} {
		if strings.Contains(got, "Saved") {
			t.Errorf("%s: %q", name, got)
		}
	}
}
