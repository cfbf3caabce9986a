package gui

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// fixPreview is the plan's preview: its counts and source, the format and
// the rate share (saved with the profile), the changes with a filter, a
// check per row and All / None for the shown rows.
type fixPreview struct {
	counts    *widget.Label
	source    *widget.Label
	format    *widget.Select
	share     *widget.Select
	requests  *widget.Label
	filter    *widget.Entry
	allBtn    *widget.Button
	noneBtn   *widget.Button
	selection *widget.Label
	table     *changesTable
	box       *fyne.Container
}

// rateShares are the rate share's choices, in percent.
var rateShares = []int{25, 50, 75, 100}

func shareName(pct int) string { return strconv.Itoa(pct) + " %" }

// shareNamed is the percentage a choice stands for (0: not one).
func shareNamed(name string) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(name, " %"))
	return n
}

// newFixPreview shows the plan plan gives; the callbacks hear the admin's
// choices.
func newFixPreview(plan func() *fixPlan, formatChanged func(contacts.Format), shareChanged func(int), selChanged func()) *fixPreview {
	v := &fixPreview{counts: wrapped("Planning …"), source: wrapped(""), requests: wrapped(""), selection: widget.NewLabel("")}
	v.counts.TextStyle.Bold = true
	v.format = widget.NewSelect([]string{formatName(contacts.FormatE164), formatName(contacts.FormatNational)},
		func(name string) { formatChanged(formatNamed(name)) })
	var shares []string
	for _, pct := range rateShares {
		shares = append(shares, shareName(pct))
	}
	v.share = widget.NewSelect(shares, func(name string) { shareChanged(shareNamed(name)) })
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter: contact, customer, field, number or contact ID")
	list := func() *changeList {
		if p := plan(); p != nil {
			return p.list
		}
		return nil
	}
	v.filter.OnChanged = func(text string) {
		if l := list(); l != nil {
			l.setFilter(text)
			selChanged()
		}
	}
	setAll := func(on bool) {
		if l := list(); l != nil {
			l.setShownIncluded(on)
			selChanged()
		}
	}
	v.allBtn = widget.NewButton("All shown", func() { setAll(true) })
	v.noneBtn = widget.NewButton("None shown", func() { setAll(false) })
	v.table = newChangesTable(list, fixColTitles, true, selChanged)
	// Sized for their longest choice: a Select is as wide as its text.
	h := v.format.MinSize().Height
	settings := container.NewHBox(widget.NewLabel("Rewrite to"), container.NewGridWrap(fyne.NewSize(270, h), v.format),
		widget.NewLabel("Rate share"), container.NewGridWrap(fyne.NewSize(100, h), v.share))
	top := container.NewVBox(v.counts, v.source, settings, v.requests,
		container.NewBorder(nil, nil, nil, container.NewHBox(v.allBtn, v.noneBtn), v.filter), v.selection)
	v.box = container.NewBorder(top, nil, nil, nil, v.table)
	return v
}

// setChoices shows the profile's format and rate share without calling
// back.
func (v *fixPreview) setChoices(f contacts.Format, share int) {
	if share == 0 {
		share = halo.DefaultRateShare
	}
	name := shareName(share)
	if !strings.Contains(strings.Join(v.share.Options, "|"), name) {
		v.share.Options = append(v.share.Options, name) // a share set on the command line
	}
	onF, onS := v.format.OnChanged, v.share.OnChanged
	v.format.OnChanged, v.share.OnChanged = nil, nil
	v.format.SetSelected(formatName(f))
	v.share.SetSelected(name)
	v.format.OnChanged, v.share.OnChanged = onF, onS
}

// fixDialog is Fix numbers in Halo…: the preview, the confirmation that
// names the Halo and the number of changes, then the write's progress and
// outcome and, once the screen audited again, the counts before and after.
type fixDialog struct {
	s        *contactsScreen
	d        *dialog.CustomDialog
	plan     *fixPlan // nil while planning
	preview  *fixPreview
	run      *writeView
	after    *widget.Label
	confirm  *dialog.ConfirmDialog
	saveDlg  *saveDialog
	fixBtn   *widget.Button
	saveBtn  *widget.Button
	closeBtn *widget.Button
	testBtn  *widget.Button
	body     *fyne.Container
	planSeq  int
}

func newFixDialog(s *contactsScreen) *fixDialog {
	fd := &fixDialog{s: s, after: wrapped("")}
	fd.preview = newFixPreview(func() *fixPlan { return fd.plan }, fd.formatChanged, fd.shareChanged, fd.showSelection)
	fd.run = newWriteView(func(step string) { fd.close(); s.u.goToStep(step) }, fd.relayout)
	fd.fixBtn = widget.NewButtonWithIcon("Fix numbers in Halo…", theme.ConfirmIcon(), fd.askConfirm)
	fd.fixBtn.Importance = widget.HighImportance
	fd.saveBtn = widget.NewButtonWithIcon("Save plan as CSV…", theme.DocumentSaveIcon(), fd.savePlan)
	fd.closeBtn = widget.NewButtonWithIcon("Close", theme.CancelIcon(), fd.close)
	fd.testBtn = widget.NewButtonWithIcon("Test a fixed number", theme.SearchIcon(), nil)
	fd.after.Hide()
	fd.testBtn.Hide()
	done := container.NewVBox(fd.run.box, fd.after, container.NewHBox(fd.testBtn))
	fd.body = container.NewStack(fd.preview.box, done)
	fd.d = dialog.NewCustomWithoutButtons("Fix numbers in Halo — "+s.profile.Name, fd.body, s.u.win)
	fd.d.SetButtons([]fyne.CanvasObject{fd.saveBtn, fd.closeBtn, fd.fixBtn})
	fd.d.Resize(fyne.NewSize(1000, 660))
	return fd
}

// relayout lays the dialog out again once lines came, went or grew.
func (fd *fixDialog) relayout() { fd.body.Refresh() }

// show opens the dialog and plans the shown audit's contacts.
func (fd *fixDialog) show() {
	fd.d.Show()
	fd.s.u.escapable(fd.close)
	fd.s.u.win.Canvas().Unfocus()
	p := fd.s.profile
	format, _ := contacts.ParseFormat(p.FixFormat)
	fd.preview.setChoices(format, p.RateShare)
	fd.replan(format)
}

// close closes the dialog unless a write runs (Cancel stops it first).
func (fd *fixDialog) close() {
	if fd.run.running() {
		return
	}
	fd.d.Hide()
}

// replan plans the shown audit for f off the UI goroutine.
func (fd *fixDialog) replan(f contacts.Format) {
	m := fd.s.problems.model
	if m == nil {
		return
	}
	fd.planSeq++
	seq := fd.planSeq
	fd.plan = nil
	fd.showSelection()
	a, snap := m.audit, m.snapshot
	runAsync(fd.s.u, func(context.Context) (*fixPlan, error) {
		return newFixPlan(snap, a.At, a.Region, f), nil
	}, func(p *fixPlan, _ error) {
		if seq != fd.planSeq {
			return
		}
		fd.plan = p
		p.list.setFilter(fd.preview.filter.Text)
		fd.preview.counts.SetText(p.countsText())
		fd.preview.source.SetText(p.sourceText())
		fd.showSelection()
		fd.relayout()
	})
}

// showSelection shows what is selected and what writing it costs.
func (fd *fixDialog) showSelection() {
	v, p := fd.preview, fd.plan
	fd.preview.table.Refresh()
	if p == nil {
		v.counts.SetText("Planning …")
		v.selection.SetText("")
		v.requests.SetText("")
		fd.fixBtn.Disable()
		fd.saveBtn.Disable()
		return
	}
	n := p.list.selectedCount()
	v.selection.SetText(p.list.selectionText())
	v.requests.SetText(p.requestsText(fd.s.profile.RateShare, time.Now()))
	fd.fixBtn.SetText("Fix " + halo.CountOf(n, "number", "numbers") + " in Halo…")
	enable(fd.fixBtn, n > 0 && !fd.run.running())
	enable(fd.saveBtn, n > 0)
	enable(v.allBtn, p.list.rows() > 0)
	enable(v.noneBtn, p.list.rows() > 0)
}

func (fd *fixDialog) formatChanged(f contacts.Format) {
	fd.s.updateProfile(func(p *storage.Profile) { p.FixFormat = string(f) }, func() { fd.replan(f) })
}

func (fd *fixDialog) shareChanged(pct int) {
	fd.s.updateProfile(func(p *storage.Profile) { p.RateShare = pct }, fd.showSelection)
}

// askConfirm asks before anything is written, naming the Halo and the
// number of changes.
func (fd *fixDialog) askConfirm() {
	p := fd.plan
	if p == nil || p.list.selectedCount() == 0 || fd.run.running() {
		return
	}
	seen := p.list.selectedCount()
	fd.confirm = fd.s.askWrite("Write to Halo?", "Write "+halo.CountOf(seen, "change", "changes"), p.confirmText,
		func() { fd.write(seen) })
}

// write writes the selection (seen: the count the confirmation named).
func (fd *fixDialog) write(seen int) {
	p, prof := fd.plan, *fd.s.profile
	before := fd.s.problems.model
	job := writeJob{kind: storage.FixKindFix, format: string(p.plan.Format), region: p.plan.Region,
		changes: p.list.selected(), seen: seen, current: &p.pulled}
	fd.preview.box.Hide()
	fd.fixBtn.Hide()
	fd.saveBtn.Hide()
	fd.closeBtn.Disable()
	runWrite(fd.s.u, fd.run, func(ctx context.Context, report func(func(*storage.FixProgress))) (storage.FixResult, error) {
		return fd.s.writes.writer.write(ctx, prof, job, report)
	}, func(res storage.FixResult, err error) {
		fd.closeBtn.Enable()
		fd.run.finish(newWriteOutcome(res, err, "written"))
		if res.Run.Written > 0 {
			fd.showTest(res.Changes)
		}
		fd.s.written(res.Run, before)
	})
}

// showAfter shows the counts before and after the write.
func (fd *fixDialog) showAfter(text string) {
	setOptional(fd.after, text)
	fd.relayout()
}

// showTest offers Test a caller with a number the fix wrote.
func (fd *fixDialog) showTest(entries []storage.JournalEntry) {
	number := fixedSample(entries)
	if number == "" {
		return
	}
	fd.testBtn.SetText("Test a fixed number (" + number + ")")
	fd.testBtn.OnTapped = func() {
		fd.close()
		fd.s.testNumber(number)
	}
	fd.testBtn.Show()
	fd.relayout()
}

// fixedSample is a number a run wrote, preferably one without an
// extension ("" none).
func fixedSample(entries []storage.JournalEntry) string {
	sample := ""
	for _, e := range entries {
		if e.Status != storage.ChangeWritten || !e.Field.IsNumber() {
			continue
		}
		if !strings.Contains(e.New, "ext") {
			return e.New
		}
		if sample == "" {
			sample = e.New
		}
	}
	return sample
}

// savePlan saves the selected changes as CSV (contacts fix --plan applies
// such a file as reviewed).
func (fd *fixDialog) savePlan() {
	p := fd.plan
	if p == nil {
		return
	}
	rows := p.csvRows()
	intro := "Writes the " + halo.CountOf(len(rows), "selected change", "selected changes") + " (Contact ID, Contact, Client, Field, " +
		"Old, New, Status), for review or for halo-assistant contacts fix --plan. It holds names and numbers: keep it where " +
		"personal data belongs."
	fd.saveDlg = fd.s.u.showSaveDialog("Save the fix plan", intro, "Save", fileSlug(fd.s.profile.Name)+"-contacts-fix-plan.csv",
		".csv", nil, func(path string, done func(error)) {
			runAsync(fd.s.u, func(context.Context) (struct{}, error) {
				return struct{}{}, mapping.WriteFileAtomic(path, func(w io.Writer) error { return contacts.WritePlanCSV(w, rows) })
			}, func(_ struct{}, err error) { done(err) })
		})
}
