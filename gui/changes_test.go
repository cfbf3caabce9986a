package gui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func changeLines(c *changesPanel) []string {
	var out []string
	for _, ch := range c.m.changes {
		out = append(out, string(ch.Kind)+" "+ch.Do)
	}
	return out
}

func TestChangesViewFollowsExportsEditsAndResyncs(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	ctx := context.Background()
	if _, _, err := ce.db.UpsertUsers(ctx, ce.p.ID, usersList(4)); err != nil {
		t.Fatal(err)
	}
	if cd := ce.runCheck(t); !cd.report.OK {
		t.Fatalf("check: %s", cd.summary.Text)
	}
	ce.u.escape()
	s := findScreen[*mappingScreen](ce.u)
	ce.u.showScreen(func(sc screen) bool { return sc == screen(s) })
	ce.wait()
	e := &mappingEnv{testEnv: ce.testEnv, s: s, p: ce.p}
	c := s.changes
	ps := people(halo.Snapshot{Agents: s.model.agents})
	s.assign(e.userID(t, "101"), ps[0].ID)
	e.wait()
	s.assign(e.userID(t, "102"), ps[1].ID)
	e.wait()

	// Before the first export every mapping is a change.
	if got := changeLines(c); len(got) != 2 || !strings.HasPrefix(got[0], "added set Ext. 101 User 001 → "+ps[0].Name) {
		t.Fatalf("before the first export: %q", got)
	}
	if c.toggle.Text != "Changes (2)" || !strings.Contains(c.summary.Text, "Nothing has been exported yet") || c.exportBtn.Disabled() {
		t.Fatalf("toggle %q, summary %q", c.toggle.Text, c.summary.Text)
	}
	if c.box.Visible() {
		t.Fatal("the panel opens on demand")
	}
	test.Tap(c.toggle)
	if !c.box.Visible() {
		t.Fatal("the Changes button did not open the panel")
	}

	// A full export is the baseline: nothing left to change.
	dir := t.TempDir()
	s.model.exportTo(filepath.Join(dir, "full.csv"), mapping.ExportOptions{}, nil)
	e.wait()
	if len(c.m.changes) != 0 || !c.exportBtn.Disabled() || !strings.Contains(c.summary.Text, "No changes") {
		t.Fatalf("after the full export: %q %q", changeLines(c), c.summary.Text)
	}

	// Edits show at once, and the panel opens itself for the first change
	// since an export; an agent disabled in Halo shows after the re-sync.
	c.box.Hide()
	s.assign(e.userID(t, "103"), ps[2].ID)
	e.wait()
	if !c.box.Visible() || c.toggle.Text != "Changes (1)" {
		t.Fatalf("after an edit: panel shown %v, toggle %q", c.box.Visible(), c.toggle.Text)
	}
	if !ce.srv.DisableAgent(ps[0].ID) {
		t.Fatal("the simulated Halo did not change")
	}
	if cd := ce.runCheck(t); !cd.report.OK {
		t.Fatalf("re-sync: %s", cd.summary.Text)
	}
	ce.u.escape()
	want := []string{"added set Ext. 103 User 003 → " + ps[2].Name + " (Halo)", "removed clear Ext. 101 User 001"}
	if got := changeLines(c); strings.Join(got, "|") != strings.Join(want, "|") || c.m.changes[1].Why != "agent disabled in Halo" {
		t.Fatalf("changes = %q, want %q", got, want)
	}

	// Export changes… writes only those rows and becomes the new baseline.
	test.Tap(c.exportBtn)
	if c.exportDlg == nil || !c.bom.Checked {
		t.Fatal("Export changes… did not open its save dialog")
	}
	c.exportDlg.folder.SetText(dir)
	c.exportDlg.name.SetText("changes.csv")
	test.Tap(c.exportDlg.save)
	e.wait()
	data, err := os.ReadFile(filepath.Join(dir, "changes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(data), "\uFEFF")), "\r\n")
	if len(lines) != 3 || lines[0] != strings.Join(mapping.ChangesHeader, ",") || !strings.HasPrefix(lines[1], "added,103,") ||
		!strings.HasPrefix(lines[2], "removed,101,User 001,") {
		t.Fatalf("changes file: %q", lines)
	}
	if len(c.m.changes) != 0 || !strings.Contains(c.summary.Text, "No changes") {
		t.Fatalf("after export changes: %q", changeLines(c))
	}

	// History lists both exports with the checks.
	h := findScreen[*historyScreen](ce.u)
	ce.u.showScreen(func(sc screen) bool { return sc == screen(h) })
	ce.wait()
	var kinds []string
	for _, r := range h.runs.listed {
		kinds = append(kinds, runKindName(r))
	}
	if strings.Join(kinds, ",") != "Export,Systems check,Export,Systems check" || !strings.HasPrefix(h.runs.listed[0].Summary, "Changes export: 2 rows to ") {
		t.Fatalf("history: %q %+v", kinds, h.runs.listed)
	}
	h.runs.list.Select(0) // an export has no report to open
	ce.wait()
	if h.runs.detail != nil {
		t.Fatal("an export opened a report dialog")
	}
}

func TestRecordButtonWritesRecordWithoutSecret(t *testing.T) {
	const secret = "c0ffee00-1234-4abc-9def-record-gui-secret-00112233445566778899"
	ce := newCheckEnv(t, halotest.Scenario{ClientSecret: secret}, secret)
	ctx := context.Background()
	if got, err := ce.secrets.Get(ctx, ce.p.ID); err != nil || got != secret {
		t.Fatalf("the secret is not stored: %v", err)
	}
	if cd := ce.runCheck(t); !cd.report.OK {
		t.Fatalf("check: %s", cd.summary.Text)
	}
	ce.u.escape()
	if err := ce.db.SetChecklistStep(ctx, ce.p.ID, "halo-8", true, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ce.db.UpsertUsers(ctx, ce.p.ID, usersList(2)); err != nil {
		t.Fatal(err)
	}
	s := findScreen[*mappingScreen](ce.u)
	ce.u.showScreen(func(sc screen) bool { return sc == screen(s) })
	ce.wait()
	dir := t.TempDir()
	for _, name := range []string{"rec.html", "rec.md", "rec.txt"} {
		test.Tap(s.changes.recordBtn)
		rd := s.changes.recordDlg
		rd.folder.SetText(dir)
		rd.name.SetText(name)
		test.Tap(rd.save)
		ce.wait()
		if name == "rec.txt" {
			if !rd.errMsg.Visible() || !strings.Contains(rd.errMsg.Text, "Markdown (.md) or HTML (.html)") {
				t.Fatalf("a .txt name must be refused: %q", rd.errMsg.Text)
			}
			rd.d.Hide()
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc := string(b)
		for _, want := range []string{ce.srv.ClientID(), "In the Application Name field, enter a name such as 1stream.",
			"ticked", "alice", "Extension", "101", "passed"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if strings.Contains(doc, secret) || strings.Contains(doc, secret[:16]) {
			t.Fatalf("%s contains the Client Secret", name)
		}
	}
	if !strings.Contains(s.status.Text, "Saved the integration record") {
		t.Errorf("status = %q", s.status.Text)
	}
}
