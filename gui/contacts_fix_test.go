package gui

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The Contacts screen's writes against the simulated Halo: the fix's
// preview, opt-out, confirmation, progress, Cancel and 403, the undo and
// the edit of one contact.

// openFixNow audits and opens Fix numbers in Halo…, planned.
func openFixNow(t *testing.T, ce *checkEnv, s *contactsScreen) *fixDialog {
	t.Helper()
	if s.shownAudit() == nil {
		s.auditNow(t, ce)
	}
	if s.writes.fixBtn.Disabled() {
		t.Fatal("Fix numbers in Halo… is disabled after an audit")
	}
	test.Tap(s.writes.fixBtn)
	ce.wait()
	fd := s.writes.fix
	if fd == nil || fd.plan == nil {
		t.Fatal("no planned fix dialog")
	}
	return fd
}

// confirmFix presses Fix … in Halo… and agrees, then waits for the write
// and the audit after it.
func confirmFix(t *testing.T, ce *checkEnv, fd *fixDialog) {
	t.Helper()
	test.Tap(fd.fixBtn)
	if fd.confirm == nil {
		t.Fatal("no confirmation")
	}
	fd.confirm.Confirm()
	ce.wait()
	if fd.run.running() {
		t.Fatal("the write still runs after its work finished")
	}
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func TestContactsFixPreviewOptOutConfirmAndWrite(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	s.auditNow(t, ce)
	before := *s.shownAudit()
	if before.HaloSearch != contacts.HaloSearchText || before.SearchMiss == 0 {
		t.Fatalf("the demo's audit: search %q, %d misses", before.HaloSearch, before.SearchMiss)
	}
	// search_miss leads the summary and the filter; the probe's answer shows.
	if !strings.Contains(s.problems.counts.Text, strconv.Itoa(before.SearchMiss)+" missed by Halo's search") ||
		!strings.Contains(s.problems.about.Text, "region GB. Halo's phone search matches the stored text") {
		t.Fatalf("summary %q / %q", s.problems.counts.Text, s.problems.about.Text)
	}
	if s.problems.kind.Options[1] != "Halo's search misses it" {
		t.Fatalf("filter choices %v", s.problems.kind.Options)
	}
	s.problems.kind.SetSelected("Halo's search misses it")
	if s.problems.model.rows() != before.SearchMiss || s.problems.model.finding(0).Problem != contacts.SearchMiss {
		t.Fatalf("search misses shown: %d of %d", s.problems.model.rows(), before.SearchMiss)
	}

	fd := openFixNow(t, ce, s)
	l := fd.plan.list
	if len(l.changes) != halotest.DemoFixChanges || l.selectedCount() != halotest.DemoFixChanges ||
		!strings.HasPrefix(fd.preview.counts.Text, strconv.Itoa(halotest.DemoFixChanges)+" numbers of "+strconv.Itoa(halotest.DemoFixContacts)+" contacts") {
		t.Fatalf("plan: %d changes, %q", len(l.changes), fd.preview.counts.Text)
	}
	if fd.preview.format.Selected != formatName(contacts.FormatE164) || fd.preview.share.Selected != "50 %" {
		t.Fatalf("choices %q, %q", fd.preview.format.Selected, fd.preview.share.Selected)
	}
	// Opt out: one row by its check, one contact's rows by filter and None.
	cell := fd.preview.table.CreateCell()
	fd.preview.table.UpdateCell(widget.TableCellID{Row: 0, Col: chColInclude}, cell)
	test.Tap(cell.(*fyne.Container).Objects[1].(*widget.Check))
	optedOut := l.changes[0]
	other := l.changes[len(l.changes)-1]
	test.Type(fd.preview.filter, strconv.Itoa(other.ContactID))
	if l.rows() == 0 || l.rows() > 4 {
		t.Fatalf("rows of contact %d: %d", other.ContactID, l.rows())
	}
	shown := l.rows()
	test.Tap(fd.preview.noneBtn)
	want := halotest.DemoFixChanges - 1 - shown
	if l.selectedCount() != want || !strings.Contains(fd.preview.selection.Text, strconv.Itoa(want)+" of ") ||
		fd.fixBtn.Text != "Fix "+strconv.Itoa(want)+" numbers in Halo…" {
		t.Fatalf("after opting out: %d selected, %q, %q", l.selectedCount(), fd.preview.selection.Text, fd.fixBtn.Text)
	}
	fd.preview.filter.SetText("")

	// Save plan as CSV: the selected rows.
	test.Tap(fd.saveBtn)
	dir := t.TempDir()
	fd.saveDlg.folder.SetText(dir)
	fd.saveDlg.name.SetText("plan")
	test.Tap(fd.saveDlg.save)
	ce.wait()
	b, err := os.ReadFile(filepath.Join(dir, "plan.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	if lines[0] != "Contact ID,Contact,Client,Field,Old,New,Status" || len(lines)-1 != want {
		t.Fatalf("plan CSV: %q, %d rows", lines[0], len(lines)-1)
	}
	if plan, err := contacts.ReadPlanCSV(strings.NewReader(string(b)), "GB", contacts.FormatE164); err != nil || len(plan) != want {
		t.Fatalf("the saved plan reads back as %d changes (%v)", len(plan), err)
	}

	// The confirmation names the Halo and the number of changes.
	test.Tap(fd.fixBtn)
	if fd.confirm == nil {
		t.Fatal("no confirmation")
	}
	ce.srv.ResetStats()
	fd.confirm.Dismiss()
	if ce.srv.WritePOSTs() != 0 {
		t.Fatal("a dismissed confirmation wrote")
	}
	confirmFix(t, ce, fd)
	// The last progress shown, kept in the hidden label.
	if !strings.HasPrefix(fd.run.progress.Text, "Batch 4 of 4: "+strconv.Itoa(want)+" written, 0 failed, 0 skipped") || fd.run.cancelBtn.Visible() {
		t.Fatalf("progress %q", fd.run.progress.Text)
	}
	if fd.run.outcome.Text == "" || !strings.HasPrefix(fd.run.outcome.Text, "All "+strconv.Itoa(want)+" changes written.") ||
		!strings.Contains(fd.run.outcome.Text, contacts.RefreshNote) {
		t.Fatalf("outcome %q", fd.run.outcome.Text)
	}
	if got := ce.srv.ChangedFields(); got != want {
		t.Fatalf("Halo changed %d fields, want %d", got, want)
	}
	if v, _ := ce.srv.ContactField(optedOut.ContactID, string(optedOut.Field)); v != optedOut.Old {
		t.Fatalf("the opted-out change was written: %q", v)
	}
	// Re-audited: the counts fell, before → after shows in the dialog and on
	// the screen, with 1stream's refresh step.
	// The search misses fell (counted with the first audit's answer when no
	// number with separators is left for the probe).
	m := s.problems.model
	left := m.audit.SearchMiss
	if m.probe.Outcome == contacts.ProbeNoCandidate {
		left = contacts.RunWith(m.snapshot, "GB", m.audit.At, contacts.HaloSearchText).SearchMiss
	}
	delta := "missed by Halo's search " + strconv.Itoa(before.SearchMiss) + " → " + strconv.Itoa(left)
	if left >= before.SearchMiss || !fd.after.Visible() || !strings.Contains(fd.after.Text, delta) ||
		!strings.Contains(s.writes.note.Text, delta) || !s.writes.stepBtn.Visible() {
		t.Fatalf("before → after: dialog %q, screen %q", fd.after.Text, s.writes.note.Text)
	}
	if s.writes.undoRun == nil || s.writes.undoBtn.Disabled() {
		t.Fatal("Undo last fix… does not follow the fix")
	}
	runs, err := ce.db.Runs(context.Background(), ce.p.ID, 10)
	if err != nil || len(runs) == 0 || runs[0].Kind != storage.RunContactsFix || runKindName(runs[0]) != "Contacts fix" {
		t.Fatalf("history: %+v (%v)", runs, err)
	}
	events, err := ce.db.AuditLog(context.Background(), storage.AuditFilter{ProfileID: ce.p.ID, Limit: 5})
	if err != nil || len(events) < 2 || actionName(events[1].Action) != "Contacts fixed in Halo" {
		t.Fatalf("audit log (the fix, then the audit after it): %+v (%v)", events, err)
	}

	// Test a fixed number: Halo's own search finds the contact.
	if !fd.testBtn.Visible() {
		t.Fatal("no Test a fixed number")
	}
	test.Tap(fd.testBtn)
	ce.wait()
	if !strings.HasPrefix(s.caller.verdict.Text, "One contact: Halo's phone search finds ") || s.tabs.SelectedIndex() != 1 {
		t.Fatalf("a fixed number: %q", s.caller.verdict.Text)
	}
	test.Tap(s.writes.stepBtn)
	if cl := findScreen[*checklistScreen](ce.u); !isShown[*checklistScreen](ce.u) || cl.lit == nil || cl.lit.step.ID != refreshStep {
		t.Fatal("the refresh note does not lead to the checklist's fix-refresh step")
	}
}

func TestContactsFixSkipsChangedAndCancels(t *testing.T) {
	sc := halotest.Demo()
	var cancel func()
	sc.OnWrite = func([]int) int {
		if cancel != nil {
			cancel()
		}
		return 0
	}
	ce, s := contactsEnv(t, sc)
	fd := openFixNow(t, ce, s)
	// A person edits a planned number in Halo before the write; the plan's
	// pull is no longer fresh, so the run reads Halo again.
	edited := fd.plan.list.changes[0]
	ce.srv.SetContactField(edited.ContactID, string(edited.Field), "0113 496 0000")
	fd.plan.pulled.At = time.Now().Add(-2 * storage.ReusePullFor)
	cancel = fd.run.job.Cancel // pressed while the first batch is on its way
	confirmFix(t, ce, fd)

	if v, _ := ce.srv.ContactField(edited.ContactID, string(edited.Field)); v != "0113 496 0000" {
		t.Fatalf("a person's edit was overwritten: %q", v)
	}
	o := fd.run.outcome.Text
	if !strings.HasPrefix(o, "Cancelled between batches: ") || !strings.Contains(o, "1 skipped") ||
		!strings.Contains(o, "The journal records exactly what was sent") {
		t.Fatalf("outcome %q", o)
	}
	if !fd.run.detailBox.Visible() || !strings.Contains(fd.run.details.Text, "skipped_changed") {
		t.Fatalf("details %q", fd.run.details.Text)
	}
	run, entries, err := ce.db.FixJournal(context.Background(), s.writes.undoRun.ID)
	if err != nil || run.State != storage.FixCancelled || run.Written == 0 || run.Written != ce.srv.ChangedFields() || run.Unsent() == 0 {
		t.Fatalf("journal %+v (%v); Halo changed %d", run, err, ce.srv.ChangedFields())
	}
	for _, e := range entries {
		if e.Status == storage.ChangeWritten && !e.Sent {
			t.Fatalf("written but not marked sent: %+v", e)
		}
	}
}

func TestContactsFixRefusedNamesThePermission(t *testing.T) {
	sc := halotest.Demo()
	sc.WriteForbidden = true
	ce, s := contactsEnv(t, sc)
	fd := openFixNow(t, ce, s)
	confirmFix(t, ce, fd)
	o := fd.run.outcome.Text
	if !strings.Contains(o, "Users Access Level: Read and Modify") || fd.run.outcome.Importance != widget.DangerImportance ||
		strings.Contains(o, contacts.RefreshNote) {
		t.Fatalf("403: %q", o)
	}
	if ce.srv.ChangedFields() != 0 {
		t.Fatal("a refused write changed Halo")
	}
	runs, err := ce.db.FixRuns(context.Background(), ce.p.ID)
	if err != nil || len(runs) != 1 || runs[0].Written != 0 {
		t.Fatalf("journal %+v (%v): nothing may count as written", runs, err)
	}
	if fd.after.Visible() {
		t.Fatalf("nothing written, yet audited again: %q", fd.after.Text)
	}
	if !fd.run.stepBtn.Visible() {
		t.Fatal("no way to the checklist step")
	}
	test.Tap(fd.run.stepBtn)
	if cl := findScreen[*checklistScreen](ce.u); !isShown[*checklistScreen](ce.u) || cl.lit == nil || cl.lit.step.ID != "agent-perm-users" {
		t.Fatal("the 403 does not lead to the Users Access Level step")
	}
}

func TestContactsUndoRestoresAndNamesSkipped(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	fd := openFixNow(t, ce, s)
	confirmFix(t, ce, fd)
	// Every number rewritten: the probe has nothing left to ask Halo with,
	// so the search misses are counted with the first audit's answer.
	if s.problems.model.probe.Outcome != contacts.ProbeNoCandidate || !strings.Contains(fd.after.Text, "counted with the earlier probe's answer") {
		t.Fatalf("after the whole fix: probe %+v, %q", s.problems.model.probe, fd.after.Text)
	}
	test.Tap(fd.closeBtn)
	fixRun := *s.writes.undoRun
	// A person changes one written number since.
	changed := fd.plan.list.changes[1]
	ce.srv.SetContactField(changed.ContactID, string(changed.Field), "07700 900123")

	test.Tap(s.writes.undoBtn)
	ce.wait()
	ud := s.writes.undo
	if ud == nil || ud.model == nil {
		t.Fatalf("no undo preview: %q %q", ud.summary.Text, ud.write.outcome.Text)
	}
	if len(ud.model.plan.Changes) != fixRun.Written-1 || len(ud.model.plan.Skipped) != 1 ||
		!strings.Contains(ud.summary.Text, "restores "+strconv.Itoa(fixRun.Written-1)+" values") ||
		!strings.Contains(ud.skipped.Text, changeContact(changed)) {
		t.Fatalf("undo preview: %q / %q", ud.summary.Text, ud.skipped.Text)
	}
	if rows, _ := ud.table.Length(); rows != fixRun.Written-1 {
		t.Fatalf("the preview lists %d rows", rows)
	}
	test.Tap(ud.restoreBtn)
	if ud.confirm == nil {
		t.Fatal("no confirmation")
	}
	ud.confirm.Confirm()
	ce.wait()
	if !strings.Contains(ud.write.outcome.Text, "restored") || !strings.Contains(ud.write.details.Text, "skipped_changed") {
		t.Fatalf("undo outcome %q / %q", ud.write.outcome.Text, ud.write.details.Text)
	}
	first := fd.plan.list.changes[0]
	if v, _ := ce.srv.ContactField(first.ContactID, string(first.Field)); v != first.Old {
		t.Fatalf("not restored: %q, want %q", v, first.Old)
	}
	if v, _ := ce.srv.ContactField(changed.ContactID, string(changed.Field)); v != "07700 900123" {
		t.Fatalf("a person's change was undone: %q", v)
	}
	if !strings.Contains(ud.after.Text, "Before → after") {
		t.Fatalf("undo's before → after: %q", ud.after.Text)
	}
	if s.writes.undoRun != nil || !s.writes.undoBtn.Disabled() {
		t.Fatal("an undone fix can still be undone")
	}
	runs, _ := ce.db.Runs(context.Background(), ce.p.ID, 10)
	if len(runs) == 0 || runs[0].Kind != storage.RunContactsUndo || runKindName(runs[0]) != "Undo of a contacts fix" {
		t.Fatalf("history: %+v", runs)
	}
}

func TestContactsEditOneContact(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	s.auditNow(t, ce)
	var f contacts.Finding
	for _, x := range s.shownAudit().Findings {
		if x.Problem == contacts.Unparseable {
			f = x
			break
		}
	}
	// From the problem row's Edit….
	s.problems.kind.SetSelected("Unparseable")
	cell := s.problems.table.CreateCell()
	s.problems.table.UpdateCell(widget.TableCellID{Row: 0, Col: colOpen}, cell)
	test.Tap(findButton(cell, "Edit…"))
	ce.wait()
	ed := s.writes.edit
	if ed == nil || ed.model == nil || ed.model.current.ID != f.ContactID {
		t.Fatalf("edit of contact %d: %+v", f.ContactID, ed)
	}
	bad := -1
	for i, n := range ed.notes {
		if n.Importance == widget.WarningImportance && strings.HasPrefix(n.Text, "Not a number for GB") {
			bad = i
		}
	}
	if bad < 0 || !ed.saveBtn.Disabled() {
		t.Fatalf("the unparseable number is not flagged (save %v)", ed.saveBtn.Disabled())
	}
	ed.numbers[bad].SetText("0113 496 0555")
	if ed.notes[bad].Text != "E.164: +441134960555" || ed.notes[bad].Importance == widget.WarningImportance || ed.saveBtn.Disabled() {
		t.Fatalf("after typing a number: %q", ed.notes[bad].Text)
	}
	test.Tap(ed.saveBtn)
	if ed.confirm == nil {
		t.Fatal("no confirmation")
	}
	ed.confirm.Confirm()
	ce.wait()
	if !strings.HasPrefix(ed.write.outcome.Text, "All 1 change saved.") {
		t.Fatalf("edit outcome %q", ed.write.outcome.Text)
	}
	field := halo.NumberFields[bad]
	if v, _ := ce.srv.ContactField(f.ContactID, string(field)); v != "0113 496 0555" {
		t.Fatalf("Halo holds %q", v)
	}
	runs, err := ce.db.FixRuns(context.Background(), ce.p.ID)
	if err != nil || len(runs) != 1 || runs[0].Kind != storage.FixKindEdit || s.writes.undoRun == nil || s.writes.undoRun.ID != runs[0].ID {
		t.Fatalf("the edit is not journaled as the undoable run: %+v (%v)", runs, err)
	}
}

// Ctrl+Shift+F opens the fix preview (the smoke test's screenshot).
func TestContactsFixShortcut(t *testing.T) {
	ce, s := contactsEnv(t, halotest.Demo())
	c := ce.win.Canvas()
	c.(fyne.Shortcutable).TypedShortcut(fixShortcut)
	if s.writes.fix != nil {
		t.Fatal("the preview opened without an audit")
	}
	s.auditNow(t, ce)
	c.Unfocus()
	c.(fyne.Shortcutable).TypedShortcut(fixShortcut)
	ce.wait()
	if s.writes.fix == nil || s.writes.fix.plan == nil {
		t.Fatal("Ctrl+Shift+F did not open the fix preview")
	}
}

// Bulk work takes at most the rate share: the audit's progress says when
// it paces, and why.
func TestContactsAuditSaysWhenItPaces(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	ce, s := contactsEnv(t, halotest.Demo())
	ce.u.env.Configure = func(c *halo.Config) {
		c.Now, c.Sleep = clock.Now, clock.Sleep
		// A share of 10 requests a minute for a pull of 20 pages; the whole
		// limit has room for everything.
		c.RateLimit, c.RateShare, c.RateWindow, c.PageSize = 40, 25, time.Minute, 10
	}
	s.auditNow(t, ce)
	if s.shownAudit() == nil || s.audit.errMsg.Visible() {
		t.Fatalf("a paced audit finishes: %q", s.audit.errMsg.Text)
	}
	if !strings.HasPrefix(s.audit.waitNote.Text, "Pacing: bulk work takes at most its share of Halo's rate limit, leaving the rest for 1stream's live lookups") {
		t.Fatalf("the pacing was not explained: %q", s.audit.waitNote.Text)
	}
}

// The writes' dialogs log no Fyne error (their tables get their callbacks
// before they are sized).
func TestContactsWriteDialogsLogNoFyneError(t *testing.T) {
	logged := captureFyneLog(t)
	ce, s := contactsEnv(t, halotest.Demo())
	fd := openFixNow(t, ce, s)
	confirmFix(t, ce, fd)
	test.Tap(fd.closeBtn)
	test.Tap(s.writes.undoBtn)
	ce.wait()
	s.writes.undo.close()
	s.openEdit(s.shownAudit().Findings[0].ContactID)
	ce.wait()
	s.writes.edit.close()
	if got := logged.errors(); got != "" {
		t.Fatalf("the writes' dialogs logged:\n%s", got)
	}
}
