package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// Undo last fix…: the profile's newest fix or edit run, restored where
// Halo still holds what the app wrote (storage.PlanUndo after a fresh
// read), previewed, confirmed and journaled like the fix itself.

// runName names a journaled run for the admin.
func runName(r storage.FixRun) string {
	what := "contacts fix"
	if r.Kind == storage.FixKindEdit {
		what = "contact edit"
	}
	return fmt.Sprintf("the %s of %s (run %d)", what, fmtWhen(r.StartedAt), r.ID)
}

// undoPreview is an undo plan as its preview shows it; no widgets.
type undoPreview struct {
	plan storage.UndoPlan
	list *changeList
}

func newUndoPreview(p storage.UndoPlan) *undoPreview {
	return &undoPreview{plan: p, list: newChangeList(p.Changes, false)}
}

// summaryText says what the undo restores and what stays.
func (m *undoPreview) summaryText() string {
	p := m.plan
	if len(p.Changes) == 0 && len(p.Skipped) == 0 {
		return fmt.Sprintf("Nothing to undo: Halo holds nothing that %s wrote.", runName(p.Run))
	}
	text := fmt.Sprintf("Undoing %s restores %s in Halo: the values before it, where Halo still holds what it wrote.",
		runName(p.Run), halo.CountOf(len(p.Changes), "value", "values"))
	if n := len(p.Skipped); n > 0 {
		text += fmt.Sprintf(" Left as they are, since someone changed them in Halo after the run (skipped_changed): %s.",
			halo.CountOf(n, "value", "values"))
	}
	return text
}

// skippedText names the values the undo leaves as they are, one a line.
func (m *undoPreview) skippedText() string {
	lines := make([]string, 0, min(len(m.plan.Skipped), maxListed+1))
	for i, c := range m.plan.Skipped {
		if i == maxListed {
			lines = append(lines, fmt.Sprintf("… and %d more.", len(m.plan.Skipped)-maxListed))
			break
		}
		lines = append(lines, fmt.Sprintf("%s · %s · the app wrote %s", changeContact(c), fieldLabel(c.Field), quoteValue(c.Old)))
	}
	return strings.Join(lines, "\n")
}

// confirmText is the confirmation's question: the Halo and the count.
func (m *undoPreview) confirmText(host string) string {
	return fmt.Sprintf("Restore %s of %s in Halo at %s?\n\nRight before writing, a value changed in Halo since is skipped.",
		halo.CountOf(len(m.plan.Changes), "value", "values"), halo.CountOf(distinctContacts(m.plan.Changes), "contact", "contacts"), host)
}

// undoDialog plans, previews, confirms and writes an undo.
type undoDialog struct {
	s          *contactsScreen
	d          *dialog.CustomDialog
	runID      int64
	model      *undoPreview
	summary    *widget.Label
	skipped    *widget.Label
	table      *changesTable
	write      *writeView
	after      *widget.Label
	confirm    *dialog.ConfirmDialog
	restoreBtn *widget.Button
	closeBtn   *widget.Button
	body       *fyne.Container
}

func newUndoDialog(s *contactsScreen, run storage.FixRun) *undoDialog {
	ud := &undoDialog{s: s, runID: run.ID, summary: wrapped("Reading Halo to see what can be restored …"), skipped: wrapped(""), after: wrapped("")}
	ud.skipped.Importance = widget.WarningImportance
	ud.skipped.Hide()
	ud.after.Hide()
	ud.table = newChangesTable(func() *changeList {
		if ud.model != nil {
			return ud.model.list
		}
		return nil
	}, undoColTitles, false, func() {})
	ud.table.Hide()
	ud.write = newWriteView(func(step string) { ud.close(); s.u.goToStep(step) }, func() { ud.body.Refresh() })
	ud.restoreBtn = widget.NewButtonWithIcon("Restore in Halo…", theme.ContentUndoIcon(), ud.askConfirm)
	ud.restoreBtn.Importance = widget.HighImportance
	ud.restoreBtn.Disable()
	ud.closeBtn = widget.NewButtonWithIcon("Close", theme.CancelIcon(), ud.close)
	top := container.NewVBox(ud.summary, ud.skipped)
	bottom := container.NewVBox(ud.write.box, ud.after)
	ud.body = container.NewBorder(top, bottom, nil, nil, ud.table)
	ud.d = dialog.NewCustomWithoutButtons("Undo "+runName(run), ud.body, s.u.win)
	ud.d.SetButtons([]fyne.CanvasObject{ud.closeBtn, ud.restoreBtn})
	ud.d.Resize(fyne.NewSize(1000, 620))
	return ud
}

// show opens the dialog and plans the undo from a fresh read of Halo.
func (ud *undoDialog) show() {
	ud.d.Show()
	ud.s.u.escapable(ud.close)
	p := *ud.s.profile
	ud.closeBtn.Disable()
	runWrite(ud.s.u, ud.write, func(ctx context.Context, report func(func(*storage.FixProgress))) (storage.UndoPlan, error) {
		return ud.s.writes.writer.planUndo(ctx, p, ud.runID, report)
	}, ud.planned)
}

func (ud *undoDialog) close() {
	if ud.write.running() {
		return
	}
	ud.d.Hide()
}

// planned shows the undo plan, or why there is none.
func (ud *undoDialog) planned(plan storage.UndoPlan, err error) {
	ud.closeBtn.Enable()
	switch {
	case errors.Is(err, storage.ErrNothingToUndo):
		ud.summary.SetText("Nothing to undo: " + err.Error() + ".")
		ud.body.Refresh()
		return
	case err != nil:
		ud.summary.SetText("")
		ud.write.finish(failedOutcome(err, "read before the undo"))
		return
	}
	ud.model = newUndoPreview(plan)
	ud.summary.SetText(ud.model.summaryText())
	setOptional(ud.skipped, ud.model.skippedText())
	show(ud.table, len(plan.Changes) > 0)
	ud.table.Refresh()
	ud.restoreBtn.SetText("Restore " + halo.CountOf(len(plan.Changes), "value", "values") + " in Halo…")
	enable(ud.restoreBtn, len(plan.Changes) > 0)
	ud.body.Refresh()
}

func (ud *undoDialog) askConfirm() {
	m := ud.model
	if m == nil || len(m.plan.Changes) == 0 || ud.write.running() {
		return
	}
	seen := len(m.plan.Changes)
	ud.confirm = ud.s.askWrite("Restore in Halo?", "Restore "+halo.CountOf(seen, "value", "values"), m.confirmText,
		func() { ud.restore(seen) })
}

// restore writes the undo (seen: the count the confirmation named).
func (ud *undoDialog) restore(seen int) {
	plan, p, before := ud.model.plan, *ud.s.profile, ud.s.problems.model
	ud.restoreBtn.Hide()
	ud.closeBtn.Disable()
	runWrite(ud.s.u, ud.write, func(ctx context.Context, report func(func(*storage.FixProgress))) (storage.FixResult, error) {
		return ud.s.writes.writer.undo(ctx, p, plan, seen, report)
	}, func(res storage.FixResult, err error) {
		ud.closeBtn.Enable()
		ud.write.finish(newWriteOutcome(res, err, "restored"))
		ud.s.written(res.Run, before)
	})
}

// showAfter shows the counts before and after the undo.
func (ud *undoDialog) showAfter(text string) {
	setOptional(ud.after, text)
	ud.body.Refresh()
}
