package gui

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

const haloSection = "Generating the Client ID and Client Secret in Halo"

func TestChecklistMirrorsTheArticle(t *testing.T) {
	var ids []string
	for _, sec := range checklistSections {
		for _, st := range sec.steps {
			ids = append(ids, st.id)
		}
	}
	want := []string{"before-core"}
	for i := 1; i <= 13; i++ {
		want = append(want, "halo-"+strconv.Itoa(i))
	}
	want = append(want, "halo-notice")
	for i := 1; i <= 14; i++ {
		want = append(want, "1s-"+strconv.Itoa(i))
	}
	want = append(want, "map-users", "not-seeing")
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
	if !strings.Contains(checklistSections[0].steps[0].detail, "Screen Pop URL") {
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

	if got := cl.progress[haloSection].Text; got != "1 of 13" {
		t.Fatalf("Halo section progress = %q, want 1 of 13", got)
	}
	if cl.overall.Value != 2 {
		t.Fatalf("overall progress = %v, want 2", cl.overall.Value)
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
	if got := cl2.progress["Connecting the Halo Client ID and Client Secret into 1stream"].Text; got != "1 of 14" {
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
	test.Tap(cl2.resetBtn)
	cl2.confirm.Dismiss()
	te2.wait()
	if !cl2.byID["halo-9"].check.Checked {
		t.Fatal("a dismissed reset changed the checklist")
	}
	test.Tap(cl2.resetBtn)
	cl2.confirm.Confirm()
	te2.wait()
	for _, r := range cl2.rows {
		if r.check.Checked {
			t.Fatalf("step %s still ticked after reset", r.step.id)
		}
	}
	if cl2.overall.Value != 0 || !cl2.resetBtn.Disabled() {
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
		if !st.Visible() || !strings.Contains(st.Text, "verified by check on 2 Jan 2026 15:04") {
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
	for title, l := range cl.progress {
		if l.Importance == widget.LowImportance {
			t.Errorf("the progress of %q (%q) is in the disabled colour", title, l.Text)
		}
	}
}
