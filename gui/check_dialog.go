package gui

import (
	"context"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// ---- the dialog ----

// runAndStoreCheck runs the systems check for p with cfg (which carries the
// secret) and records it, as the CLI does.
func runAndStoreCheck(ctx context.Context, db *storage.DB, p storage.Profile, cfg halo.Config,
	progress func(halo.CheckResult)) (halo.Report, storage.Run, error) {
	rep := halo.RunCheck(ctx, cfg, progress)
	run, err := storage.SaveCheckRun(ctx, db, p.ID, rep)
	return rep, run, err
}

// checkDialog runs the systems check for one profile and shows it live.
type checkDialog struct {
	u       *UI
	profile storage.Profile

	d        *dialog.CustomDialog
	list     *checkResults
	summary  *widget.Label
	progress *checkProgressView
	// note says what Copy report and Save report did, apart from the
	// verdict.
	note *widget.Label

	buttons *checkButtons

	job     job
	report  *halo.Report
	visible bool
	// overlay is the dialog's pop-up on the canvas: Ctrl+R re-runs only
	// while it is the top one.
	overlay fyne.CanvasObject
	saveDlg *saveDialog
}

func newCheckDialog(u *UI, p storage.Profile) *checkDialog {
	cd := &checkDialog{u: u, profile: p}
	cd.list = newCheckResults(func(step string) {
		cd.close()
		u.goToStep(step)
	})
	cd.list.onContacts = func() {
		cd.close()
		u.goToContacts()
	}
	cd.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	cd.summary.Wrapping = fyne.TextWrapWord
	cd.progress = newCheckProgressView(len(cd.list.rows))
	cd.note = wrapped("")
	cd.note.Hide()

	cd.buttons = &checkButtons{
		cancel: widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), cd.stop),
		rerun:  widget.NewButtonWithIcon("Re-run", theme.ViewRefreshIcon(), cd.start),
		copy:   widget.NewButtonWithIcon("Copy report", theme.ContentCopyIcon(), cd.copyReport),
		save:   widget.NewButtonWithIcon("Save report…", theme.DocumentSaveIcon(), cd.askSave),
		close:  widget.NewButtonWithIcon("Close", theme.ConfirmIcon(), cd.close),
	}
	cd.buttons.close.Importance = widget.HighImportance

	pv := cd.progress
	top := container.NewVBox(cd.summary, container.NewBorder(nil, nil, nil, pv.elapsed, pv.bar), pv.waitNote)
	bottom := container.NewVBox(widget.NewSeparator(), pv.pullLabel, pv.pullBar, cd.note)
	content := container.NewBorder(top, bottom, nil, nil, cd.list.scroll)
	cd.d = dialog.NewCustomWithoutButtons("Systems check — "+p.Name, content, u.win)
	cd.d.SetButtons(cd.buttons.bar())
	cd.d.Resize(fyne.NewSize(860, 640))
	return cd
}

func (cd *checkDialog) show() {
	cd.visible = true
	cd.d.Show()
	cd.overlay = cd.u.win.Canvas().Overlays().Top()
	// Nothing focused means Esc reaches the window's key handler.
	cd.u.win.Canvas().Unfocus()
	cd.u.escapable(cd.close)
	cd.start()
}

func (cd *checkDialog) close() {
	cd.stop()
	cd.visible = false
	cd.d.Hide()
}

// stop cancels a running check; the run is still recorded as cancelled.
func (cd *checkDialog) stop() { cd.job.Cancel() }

// checkButtons are the check dialog's buttons: Cancel while a check
// runs; Re-run, the report's Copy and Save, and Close once it is done.
type checkButtons struct {
	cancel, rerun, copy, save, close *widget.Button
}

// bar is the buttons in the dialog's order.
func (b *checkButtons) bar() []fyne.CanvasObject {
	return []fyne.CanvasObject{b.copy, b.save, b.rerun, b.cancel, b.close}
}

// running shows the buttons for a check that runs (on) or is done.
func (b *checkButtons) running(on bool) {
	for _, x := range []*widget.Button{b.rerun, b.copy, b.save} {
		enable(x, !on)
	}
	show(b.cancel, on)
	show(b.close, !on)
}

// noReport disables what needs a report, for a check that never ran.
func (b *checkButtons) noReport() {
	b.copy.Disable()
	b.save.Disable()
}

// checkRun is a finished check: its report and how it was recorded.
type checkRun struct {
	rep halo.Report
	run storage.Run
}

// start runs the check (again) as a job: network and keyring work off the
// UI goroutine, the results shown as they come.
func (cd *checkDialog) start() {
	if cd.job.running {
		return
	}
	cd.report = nil
	cd.list.reset()
	cd.progress.reset()
	cd.summary.SetText("Checking " + cd.profile.Name + " …")
	setOptional(cd.note, "")
	cd.buttons.running(true)
	id := cd.profile.ID
	startJob(cd.u, &cd.job, jobSpec[checkProgress, checkRun]{
		work: func(ctx context.Context, report func(func(*checkProgress))) (checkRun, error) {
			return cd.check(ctx, id, report)
		},
		show: func(p checkProgress, took time.Duration) { cd.progress.show(p, cd.list, took) },
		tick: 200 * time.Millisecond,
		done: func(r checkRun, err error, took time.Duration) { cd.finish(r.rep, r.run, err, took) },
	})
}

// check runs and records the check for the stored profile id, reporting
// each result, wait and pulled page (off the UI goroutine).
func (cd *checkDialog) check(ctx context.Context, id int64, report func(func(*checkProgress))) (checkRun, error) {
	// The command line may have changed the profile while the window was
	// open: check what is stored now, not what the screen holds.
	p, err := cd.u.env.DB.Profile(ctx, id)
	if err != nil {
		return checkRun{}, fmt.Errorf("reading the profile failed: %w", err)
	}
	cfg, err := cd.u.profileConfig(ctx, p)
	if err != nil {
		return checkRun{}, err
	}
	cfg.OnWait = func(reason halo.ErrorKind, d time.Duration) {
		report(func(p *checkProgress) { p.addWait(reason, d) })
	}
	cfg.OnPull = func(pp halo.PullProgress) { report(func(p *checkProgress) { p.addPull(pp) }) }
	rep, run, err := runAndStoreCheck(ctx, cd.u.env.DB, p, cfg, func(c halo.CheckResult) {
		report(func(p *checkProgress) { p.addResult(c) })
	})
	return checkRun{rep, run}, err
}

func (cd *checkDialog) finish(rep halo.Report, run storage.Run, err error, took time.Duration) {
	cd.buttons.running(false)
	// One duration: the check's own, as the summary, history and the
	// report give it (the elapsed time also counted reading the keyring
	// and storing).
	if rep.Duration > 0 {
		took = rep.Duration
	}
	cancelled := run.Verdict() == storage.VerdictCancelled || cd.u.bg.closed()
	cd.progress.finish(rep, cancelled, err, took)
	if rep.Checks == nil {
		// The check never started (keyring failure).
		cd.summary.SetText("The check could not run: " + err.Error())
		cd.summary.Importance = widget.DangerImportance
		cd.summary.Refresh()
		cd.buttons.noReport()
		return
	}
	cd.report = &rep
	cd.list.setReport(rep)
	text, imp := verdict(rep, cancelled)
	if err != nil {
		text += " " + err.Error() + "."
		imp = widget.DangerImportance
	}
	cd.summary.SetText(text)
	cd.summary.Importance = imp
	cd.summary.Refresh()
	// Reloading is harmless when nothing was stored, and needed when the
	// snapshot was stored but the history row was not.
	cd.u.checkFinished(cd.profile.ID)
}

// verdict is the dialog's headline for a finished report.
func verdict(rep halo.Report, cancelled bool) (string, widget.Importance) {
	t := storage.ReportTally(rep, cancelled)
	text := rep.Headline()
	switch t.Verdict {
	case storage.VerdictCancelled:
		text = "Cancelled: the check stopped before it finished."
	case storage.VerdictFailed:
		text += " The fixes below say what to change."
	case storage.VerdictWarnings:
		text += " See below."
	}
	return text, verdictImportance(t.Verdict)
}

// reportMarkdown is the secret-free report with the run's timing.
func (cd *checkDialog) reportMarkdown() string {
	if cd.report == nil {
		return ""
	}
	return cd.report.Markdown()
}

func (cd *checkDialog) copyReport() {
	if md := cd.reportMarkdown(); md != "" {
		cd.u.app.Clipboard().SetContent(md)
		setOptional(cd.note, "Report copied to the clipboard.")
	}
}

func (cd *checkDialog) askSave() {
	if cd.report == nil {
		return
	}
	cd.saveDlg = cd.u.showSaveDialog("Save the report", "The report as Markdown, without the Client Secret.", "Save",
		reportFileName(cd.profile.Name, cd.report.Started), ".md", nil, cd.saveReportTo)
}

// saveReportTo writes the Markdown report off the UI goroutine, replacing
// path only once the new file is complete. done, when set, hears how it
// went (the save dialog shows a failure); else a failure shows in a
// dialog of its own.
func (cd *checkDialog) saveReportTo(path string, done func(error)) {
	md := cd.reportMarkdown()
	runAsync(cd.u, func(context.Context) (struct{}, error) {
		return struct{}{}, mapping.WriteFileAtomic(path, func(w io.Writer) error {
			_, err := io.WriteString(w, md)
			return err
		})
	}, func(_ struct{}, err error) {
		if err != nil {
			setOptional(cd.note, "")
		} else {
			setOptional(cd.note, "Report saved to "+path+".")
		}
		switch {
		case done != nil:
			done(err)
		case err != nil:
			cd.u.showError("Saving the report failed (an existing file of that name is unchanged)", err)
		}
	})
}

// reportFileName is a safe default name such as
// "systems-check-contoso-msp-2026-01-02-1504.md".
func reportFileName(profile string, at time.Time) string {
	if at.IsZero() {
		at = time.Now()
	}
	return fmt.Sprintf("systems-check-%s-%s.md", fileSlug(profile), at.Local().Format("2006-01-02-1504"))
}
