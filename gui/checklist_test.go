package gui

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

const haloSection = "Generating the Client ID and Client Secret in Halo"

func TestChecklistMirrorsTheArticle(t *testing.T) {
	var ids []string
	for _, sec := range halo.Checklist {
		for _, st := range sec.Steps {
			ids = append(ids, st.ID)
		}
	}
	want := []string{"before-core"}
	for i := 1; i <= 13; i++ {
		want = append(want, "halo-"+strconv.Itoa(i))
	}
	want = append(want, "halo-notice")
	// 1stream's "HaloPSA Agent Permissions": creating the agent, then its
	// permissions, teams and the application's login.
	for i := 1; i <= 5; i++ {
		want = append(want, "agent-"+strconv.Itoa(i))
	}
	want = append(want, "agent-perm-tickets", "agent-perm-customers", "agent-perm-users", "agent-perm-ticket-rights",
		"agent-ticket-types", "agent-teams", "agent-login")
	for i := 1; i <= 14; i++ {
		want = append(want, "1s-"+strconv.Itoa(i))
	}
	want = append(want, "map-users", "not-seeing", "fix-second-app", "fix-refresh")
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Fatalf("step IDs out of the article's order:\n got %v\nwant %v", ids, want)
	}
	// Every step a check result can point at exists.
	for _, adv := range []string{halo.AdviceInvalidClient, halo.AdviceMissingSecret, halo.AdviceIdentityNoTeam,
		halo.AdviceAgentsNone, halo.AdviceInvalidScope} {
		if step := halo.AdviceFor(adv).Step; step != "" && stepTitle(step) == "" {
			t.Errorf("advice %q points at unknown step %q", adv, step)
		}
	}
	if !strings.Contains(halo.Checklist[0].Steps[0].Detail, "Screen Pop URL") {
		t.Error("the Core step must name the Screen Pop URL alternative")
	}
}

func TestChecklistPersistsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	te := newTestUI(t, dir)
	createProfileByTyping(t, te, "Contoso MSP")
	cl := findScreen[*checklistScreen](te.u)
	if cl == nil {
		t.Fatal("checklist screen not registered")
	}
	if cl.stack.Objects[0] != cl.body {
		t.Fatal("with a profile the checklist body must show")
	}

	test.Tap(cl.byID["halo-1"].check)
	test.Tap(cl.byID["halo-9"].check)
	test.Tap(cl.byID["1s-14"].check)
	test.Tap(cl.byID["halo-1"].check) // untick again
	te.wait()

	if got := cl.progress.sections[haloSection].Text; got != "1 of 13" {
		t.Fatalf("Halo section progress = %q, want 1 of 13", got)
	}
	if cl.progress.overall.Value != 2 {
		t.Fatalf("overall progress = %v, want 2", cl.progress.overall.Value)
	}
	if !cl.byID["halo-9"].status.Visible() || !strings.Contains(cl.byID["halo-9"].status.Text, "ticked by") {
		t.Fatalf("a ticked step says who ticked it: %q", cl.byID["halo-9"].status.Text)
	}
	pid := te.u.current.ID
	te.u.Close()

	// A new window on the same data dir shows the same ticks.
	te2 := newTestUI(t, dir)
	cl2 := findScreen[*checklistScreen](te2.u)
	te2.wait()
	if !cl2.byID["halo-9"].check.Checked || !cl2.byID["1s-14"].check.Checked {
		t.Fatal("ticks were not restored")
	}
	if cl2.byID["halo-1"].check.Checked {
		t.Fatal("an unticked step came back ticked")
	}
	if got := cl2.progress.sections["Connecting the Halo Client ID and Client Secret into 1stream"].Text; got != "1 of 14" {
		t.Fatalf("1stream section progress = %q", got)
	}
	ctx := context.Background()
	items, err := te2.db.Checklist(ctx, pid)
	if err != nil {
		t.Fatal(err)
	}
	if !items["halo-9"].Done || items["halo-1"].Done {
		t.Fatalf("stored checklist = %+v", items)
	}

	// Reset asks first; dismissing keeps everything.
	test.Tap(cl2.progress.reset)
	cl2.confirm.Dismiss()
	te2.wait()
	if !cl2.byID["halo-9"].check.Checked {
		t.Fatal("a dismissed reset changed the checklist")
	}
	test.Tap(cl2.progress.reset)
	cl2.confirm.Confirm()
	te2.wait()
	for _, r := range cl2.rows {
		if r.check.Checked {
			t.Fatalf("step %s still ticked after reset", r.step.ID)
		}
	}
	if cl2.progress.overall.Value != 0 || !cl2.progress.reset.Disabled() {
		t.Fatal("after a reset there is nothing to reset")
	}
	items, _ = te2.db.Checklist(ctx, pid)
	for id, it := range items {
		if it.Done {
			t.Fatalf("step %s still stored as done", id)
		}
	}
	ev, _ := te2.db.AuditLog(ctx, storage.AuditFilter{ProfileID: pid, Text: "checklist"})
	var actions []string
	for _, e := range ev {
		actions = append(actions, e.Action)
	}
	if len(actions) == 0 || actions[0] != storage.ActionChecklistReset {
		t.Fatalf("audit log = %v", actions)
	}
}

func TestChecklistWithoutProfile(t *testing.T) {
	te := newTestUI(t, "")
	cl := findScreen[*checklistScreen](te.u)
	if cl.stack.Objects[0] != cl.none {
		t.Fatal("without a profile the checklist explains what to do")
	}
	test.Tap(cl.rows[0].check) // nothing to save to: must not panic or write
	te.wait()
}

func TestChecklistShowsVerifiedSteps(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Verified Ltd")
	cl := findScreen[*checklistScreen](te.u)
	p := *te.u.current
	at := time.Date(2026, 1, 2, 15, 4, 0, 0, time.Local)
	rep := halo.Report{OK: true, Checks: []halo.CheckResult{
		{ID: halo.CheckToken, Status: halo.StatusPass},
		{ID: halo.CheckIdentity, Status: halo.StatusWarn},
	}}
	b, _ := json.Marshal(rep)
	if _, err := te.db.AddRun(context.Background(), storage.Run{ProfileID: p.ID, Kind: storage.RunCheck, StartedAt: at, OK: true, Report: b}); err != nil {
		t.Fatal(err)
	}
	te.u.checkFinished(p.ID)
	te.wait()
	for _, id := range []string{"halo-9", "halo-10", "halo-11", "halo-12", "halo-13"} {
		st := cl.byID[id].status
		if !st.Visible() || !strings.Contains(st.Text, "verified by check on "+fmtWhen(at)) {
			t.Fatalf("%s status = %q", id, st.Text)
		}
	}
	if cl.byID["halo-notice"].status.Visible() {
		t.Fatal("a warning on the API agent must not verify the notice")
	}
	if cl.byID["halo-9"].check.Checked {
		t.Fatal("verification is shown, not ticked for the admin")
	}
}

func TestGoToStepHighlights(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Steps")
	te.u.goToStep("halo-notice")
	cl := findScreen[*checklistScreen](te.u)
	if te.u.screens[te.u.active] != screen(cl) {
		t.Fatal("Go to step must switch to the checklist")
	}
	if cl.lit != cl.byID["halo-notice"] {
		t.Fatal("the step is not highlighted")
	}
	if te.win.Canvas().Focused() != cl.byID["halo-notice"].check {
		t.Fatal("the step's box should have keyboard focus")
	}
}

func TestAPIUserNoticeNeedsAgentsTheAPIAgentCanSee(t *testing.T) {
	at := time.Date(2026, 1, 2, 15, 4, 0, 0, time.Local)
	verified := func(rep halo.Report) bool {
		b, _ := json.Marshal(rep)
		_, ok := verifiedSteps(b, at)["halo-notice"]
		return ok
	}
	pass := func(ids ...string) []halo.CheckResult {
		var out []halo.CheckResult
		for _, id := range ids {
			out = append(out, halo.CheckResult{ID: id, Status: halo.StatusPass})
		}
		return out
	}
	// Identity passes, but Halo showed the API agent nobody else (no teams).
	alone := halo.Report{Checks: append(pass(halo.CheckToken, halo.CheckIdentity),
		halo.CheckResult{ID: halo.CheckAgents, Status: halo.StatusWarn}), Agents: halo.AgentCounts{Visible: 1, Enabled: 1, APIOnly: 1}}
	if verified(alone) {
		t.Fatal("an API agent that sees only itself must not verify the notice")
	}
	onlySelf := halo.Report{Checks: pass(halo.CheckToken, halo.CheckIdentity, halo.CheckAgents),
		Agents: halo.AgentCounts{Visible: 2, Enabled: 1, Disabled: 1, APIOnly: 1}}
	if verified(onlySelf) {
		t.Fatal("no other enabled agent visible: the notice is not proven")
	}
	sees := halo.Report{Checks: pass(halo.CheckToken, halo.CheckIdentity, halo.CheckAgents),
		Agents: halo.AgentCounts{Visible: 41, Enabled: 40, Disabled: 1, APIOnly: 1}}
	if !verified(sees) {
		t.Fatal("an API agent that sees its colleagues verifies the notice")
	}
}

func TestChecklistInformationIsReadable(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Readable Ltd")
	cl := findScreen[*checklistScreen](te.u)
	test.Tap(cl.byID["halo-2"].check)
	te.wait()
	st := cl.byID["halo-2"].status
	if !st.Visible() || !strings.Contains(st.Text, "ticked by") || st.Importance == widget.LowImportance {
		t.Fatalf("“ticked by” note %q in importance %v", st.Text, st.Importance)
	}
	for title, l := range cl.progress.sections {
		if l.Importance == widget.LowImportance {
			t.Errorf("the progress of %q (%q) is in the disabled colour", title, l.Text)
		}
	}
}

func TestChecklistStepButtonWaitsForTheUnsavedChangesAnswer(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "00000000-0000-4000-8000-000000000000-00000000-0000-4000-8000-000000000000")
	c := connectionFor(t, ce.testEnv)
	connIdx := ce.u.active
	test.Type(c.tenant, "contoso") // an unsaved edit
	ce.u.runSystemsCheck()
	test.Tap(c.askDlg.no) // check the saved settings
	ce.wait()
	cd := findScreen[*checkScreen](ce.u).dlg
	row := cd.list.byID[halo.CheckToken]
	if !row.goTo.Visible() {
		t.Fatal("the failed check offers no checklist step")
	}
	cl := findScreen[*checklistScreen](ce.u)
	step := cl.byID[row.step]
	canvas := ce.win.Canvas()

	// "Checklist step" asks about the unsaved connection first; nothing is
	// highlighted or focused behind the question.
	test.Tap(row.goTo)
	if c.leaveDlg == nil || ce.u.active != connIdx {
		t.Fatal("leaving the Connection screen must ask first")
	}
	if cl.lit != nil || canvas.Focused() == fyne.Focusable(step.check) {
		t.Fatal("the step was revealed before the answer")
	}
	// Cancel stays, and reveals nothing.
	test.Tap(c.leaveDlg.cancel)
	if ce.u.active != connIdx || cl.lit != nil {
		t.Fatal("Cancel must stay on the Connection screen")
	}
	// Discard goes on to the step.
	ce.u.goToStep(row.step)
	test.Tap(c.leaveDlg.no)
	if ce.u.screens[ce.u.active] != screen(cl) || cl.lit != step || canvas.Focused() != fyne.Focusable(step.check) {
		t.Fatal("after Discard the step is shown, highlighted and focused")
	}
}

// urlApp records the URLs the UI opens in the browser.
type urlApp struct {
	fyne.App
	opened []string
}

func (a *urlApp) OpenURL(u *url.URL) error {
	a.opened = append(a.opened, u.String())
	return nil
}

func TestChecklistStepButtons(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	ctx := context.Background()
	app := &urlApp{App: ce.u.app}
	ce.u.app = app
	cl := findScreen[*checklistScreen](ce.u)
	button := func(id string) *widget.Button {
		t.Helper()
		r := cl.byID[id]
		if r == nil || r.button == nil {
			t.Fatalf("step %s has no button", id)
		}
		return r.button
	}

	// "Open Halo" waits for a URL; a saved one enables it.
	bare, err := ce.db.CreateProfile(ctx, storage.Profile{Name: "No URL yet"})
	if err != nil {
		t.Fatal(err)
	}
	ce.u.profiles.afterChange(bare.ID)
	ce.wait()
	openHalo := button("halo-1")
	if !openHalo.Disabled() {
		t.Fatal("Open Halo is enabled without a Halo URL")
	}
	c := connectionFor(t, ce.testEnv)
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	if !openHalo.Disabled() {
		t.Fatal("Open Halo must wait until the URL is saved")
	}
	test.Tap(c.saveBtn)
	ce.wait()
	if !strings.HasPrefix(c.status.Text, "Saved.") {
		t.Fatalf("status = %q", c.status.Text)
	}
	if openHalo.Disabled() {
		t.Fatal("Open Halo stays disabled after the URL was saved")
	}
	test.Tap(openHalo)
	if len(app.opened) != 1 || app.opened[0] != "https://contoso.halopsa.com/" {
		t.Fatalf("Open Halo opened %v", app.opened)
	}

	// Connection and Mapping switch screens.
	ce.u.profiles.afterChange(ce.p.ID)
	ce.wait()
	ce.u.show(1)
	test.Tap(button("1s-8"))
	if ce.u.screens[ce.u.active] != screen(c) {
		t.Fatalf("the Connection button showed %q", ce.u.screens[ce.u.active].title())
	}
	ce.u.show(1)
	test.Tap(button("map-users"))
	if !isShown[*mappingScreen](ce.u) {
		t.Fatalf("the Mapping button showed %q", ce.u.screens[ce.u.active].title())
	}
	// Run systems check opens the check dialog and runs it.
	ce.u.show(1)
	test.Tap(button("1s-14"))
	ce.wait()
	cd := findScreen[*checkScreen](ce.u).dlg
	if cd == nil || !cd.visible || cd.report == nil || !cd.report.OK {
		t.Fatal("Run systems check did not run the check")
	}
}

// Step writes end with the newest wanted state whatever order their
// goroutines run in, write each state once, try a failed one again, and
// a reset forgets the reset profile's steps only.
func TestStepWritesKeepTheNewestState(t *testing.T) {
	var w stepWrites
	var stored []bool
	store := func(done bool) error { stored = append(stored, done); return nil }
	w.wanted(1, "a", true)
	w.wanted(1, "a", false) // unticked before the tick's write ran
	for range 2 {           // the untick's goroutine runs first, then the tick's
		if err := w.write(1, "a", store); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(stored, []bool{false}) {
		t.Fatalf("stored %v, want the newest state once", stored)
	}
	w.wanted(1, "a", true)
	if err := w.write(1, "a", func(bool) error { return errors.New("disk full") }); err == nil {
		t.Fatal("a failed store must be reported")
	}
	if err := w.write(1, "a", store); err != nil || !slices.Equal(stored, []bool{false, true}) {
		t.Fatalf("after a failure: stored %v, %v", stored, err)
	}

	w.wanted(11, "a", true)
	if err := w.write(11, "a", store); err != nil {
		t.Fatal(err)
	}
	reset := false
	if err := w.reset(1, func() error { reset = true; return nil }); err != nil || !reset {
		t.Fatalf("reset ran %v: %v", reset, err)
	}
	if _, ok := w.written[stepKey(1, "a")]; ok {
		t.Fatal("the reset profile's step is still known as written")
	}
	if !w.written[stepKey(11, "a")] || !w.want[stepKey(11, "a")] {
		t.Fatal("a reset of profile 1 forgot profile 11's step")
	}
}
