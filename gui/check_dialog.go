package gui

import (
	"context"
	"errors"
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

// checkDialog runs the systems check for one profile and shows it live.
type checkDialog struct {
	u       *UI
	profile storage.Profile

	d        *dialog.CustomDialog
	list     *checkList
	summary  *widget.Label
	bar      *widget.ProgressBar
	elapsed  *widget.Label
	waitNote *widget.Label
	// note says what Copy report and Save report did, apart from the
	// verdict.
	note      *widget.Label
	pullLabel *widget.Label
	// listsRead and agentsRead describe the pull while it runs.
	listsRead  int
	agentsRead string
	pullBar    *widget.ProgressBar

	cancelBtn, rerunBtn, copyBtn, saveBtn, closeBtn *widget.Button

	running bool
	cancel  context.CancelFunc
	report  *halo.Report
	run     storage.Run
	err     error
	done    map[string]bool
	visible bool
	// overlay is the dialog's pop-up on the canvas: Ctrl+R re-runs only
	// while it is the top one.
	overlay fyne.CanvasObject
	saveDlg *saveDialog
}

// pullChecks are the checks that read the user data; their progress is the
// pull's progress.
var pullChecks = halo.PullCheckIDs()

func newCheckDialog(u *UI, p storage.Profile) *checkDialog {
	cd := &checkDialog{u: u, profile: p}
	cd.list = newCheckList(func(step string) {
		cd.close()
		u.goToStep(step)
	})
	cd.list.onContacts = func() {
		cd.close()
		u.goToContacts()
	}
	cd.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	cd.summary.Wrapping = fyne.TextWrapWord
	cd.bar = widget.NewProgressBar()
	cd.bar.Max = float64(len(cd.list.rows))
	cd.bar.TextFormatter = func() string {
		return fmt.Sprintf("%d of %d checks", int(cd.bar.Value), int(cd.bar.Max))
	}
	cd.elapsed = widget.NewLabel("")
	cd.waitNote = wrapped("")
	cd.waitNote.Importance = widget.WarningImportance
	cd.waitNote.Hide()
	cd.note = wrapped("")
	cd.note.Hide()
	cd.pullLabel = wrapped("")
	cd.pullBar = widget.NewProgressBar()
	cd.pullBar.Max = float64(len(pullChecks))
	cd.pullBar.TextFormatter = func() string {
		return fmt.Sprintf("%d of %d lists", int(cd.pullBar.Value), int(cd.pullBar.Max))
	}

	cd.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), cd.stop)
	cd.rerunBtn = widget.NewButtonWithIcon("Re-run", theme.ViewRefreshIcon(), cd.start)
	cd.copyBtn = widget.NewButtonWithIcon("Copy report", theme.ContentCopyIcon(), cd.copyReport)
	cd.saveBtn = widget.NewButtonWithIcon("Save report…", theme.DocumentSaveIcon(), cd.askSave)
	cd.closeBtn = widget.NewButtonWithIcon("Close", theme.ConfirmIcon(), cd.close)
	cd.closeBtn.Importance = widget.HighImportance

	top := container.NewVBox(cd.summary, container.NewBorder(nil, nil, nil, cd.elapsed, cd.bar), cd.waitNote)
	bottom := container.NewVBox(widget.NewSeparator(), cd.pullLabel, cd.pullBar, cd.note)
	content := container.NewBorder(top, bottom, nil, nil, cd.list.scroll)
	cd.d = dialog.NewCustomWithoutButtons("Systems check — "+p.Name, content, u.win)
	cd.d.SetButtons([]fyne.CanvasObject{cd.copyBtn, cd.saveBtn, cd.rerunBtn, cd.cancelBtn, cd.closeBtn})
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
func (cd *checkDialog) stop() {
	if cd.cancel != nil {
		cd.cancel()
	}
}

func (cd *checkDialog) setRunning(on bool) {
	cd.running = on
	for _, b := range []*widget.Button{cd.rerunBtn, cd.copyBtn, cd.saveBtn} {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		cd.cancelBtn.Show()
		cd.closeBtn.Hide()
	} else {
		cd.cancelBtn.Hide()
		cd.closeBtn.Show()
	}
}

// start runs the check (again). Network and keyring work run off the UI
// goroutine; results come back through fyne.Do.
func (cd *checkDialog) start() {
	if cd.running {
		return
	}
	ctx, cancel := context.WithCancel(cd.u.ctx)
	cd.cancel = cancel
	cd.report, cd.err, cd.done = nil, nil, map[string]bool{}
	cd.listsRead, cd.agentsRead = 0, ""
	cd.list.reset()
	cd.bar.SetValue(0)
	cd.pullBar.SetValue(0)
	cd.pullLabel.SetText("The agents, teams and departments are pulled once the Client ID and Secret work.")
	cd.summary.SetText("Checking " + cd.profile.Name + " …")
	cd.elapsed.SetText("0.0 s")
	cd.waitNote.Hide()
	setOptional(cd.note, "")
	cd.setRunning(true)
	p := cd.profile
	started := time.Now()

	type result struct {
		rep halo.Report
		run storage.Run
	}
	runAsync(cd.u, func(context.Context) (result, error) {
		defer cancel()
		// The command line may have changed the profile while the window
		// was open: check what is stored now, not what the screen holds.
		p, err := cd.u.env.DB.Profile(ctx, p.ID)
		if err != nil {
			return result{}, fmt.Errorf("reading the profile failed: %w", err)
		}
		secret, err := readSecret(ctx, cd.u.env, p.ID)
		if err != nil {
			return result{}, fmt.Errorf("reading the Client Secret from the keyring failed: %w", err)
		}
		// Every widget update goes through this goroutine, in order: the
		// check's own goroutines only hand events over.
		events := make(chan func())
		finished := make(chan struct{})
		send := func(f func()) {
			select {
			case events <- f:
			case <-finished:
			}
		}
		cfg := cd.u.haloConfig(p, secret)
		cfg.OnWait = func(reason halo.ErrorKind, d time.Duration) { send(func() { cd.showWait(reason, d) }) }
		cfg.OnPull = func(pp halo.PullProgress) { send(func() { cd.pullProgress(pp) }) }
		type outcome struct {
			rep halo.Report
			run storage.Run
			err error
		}
		out := make(chan outcome, 1)
		go func() {
			rep, run, err := runAndStoreCheck(ctx, cd.u.env.DB, p, cfg, func(c halo.CheckResult) {
				send(func() { cd.progress(c) })
			})
			out <- outcome{rep, run, err}
		}()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case f := <-events:
				fyne.Do(f)
			case <-tick.C:
				d := time.Since(started)
				fyne.Do(func() { cd.elapsed.SetText(fmt.Sprintf("%.1f s", d.Seconds())) })
			case o := <-out:
				close(finished)
				return result{rep: o.rep, run: o.run}, o.err
			}
		}
	}, func(r result, err error) {
		cd.finish(r.rep, r.run, err, time.Since(started))
	})
}

func (cd *checkDialog) showWait(reason halo.ErrorKind, d time.Duration) {
	if !cd.running {
		return
	}
	cd.waitNote.SetText(halo.WaitMessage(reason, d) + " Cancel stops the check.")
	cd.waitNote.Show()
}

func (cd *checkDialog) progress(c halo.CheckResult) {
	if !cd.running {
		return
	}
	cd.list.set(c)
	if c.Status == halo.StatusRunning {
		return
	}
	cd.done[c.ID] = true
	cd.bar.SetValue(float64(len(cd.done)))
	n := 0
	for _, id := range pullChecks {
		if cd.done[id] {
			n++
		}
	}
	if n > 0 && c.Status != halo.StatusSkip {
		cd.listsRead = n
		cd.pullBar.SetValue(float64(n))
		cd.showPull()
	}
	if c.Status == halo.StatusFail || c.Status == halo.StatusWarn {
		cd.waitNote.Hide()
	}
}

// pullProgress shows how far the agent list has come (pages and agents).
func (cd *checkDialog) pullProgress(pp halo.PullProgress) {
	if !cd.running || pp.Stage != "agents" {
		return
	}
	switch {
	case pp.AgentsTotal > 0 && pp.PagesTotal > 1:
		cd.agentsRead = fmt.Sprintf("agents %d of %d (page %d of %d)", pp.Agents, pp.AgentsTotal, pp.Pages, pp.PagesTotal)
	case pp.Agents > 0:
		cd.agentsRead = fmt.Sprintf("%d agents", pp.Agents)
	default:
		return
	}
	cd.showPull()
}

func (cd *checkDialog) showPull() {
	text := fmt.Sprintf("Pulling user data from Halo: %d of %d lists read", cd.listsRead, len(pullChecks))
	if cd.agentsRead != "" {
		text += "; " + cd.agentsRead
	}
	cd.pullLabel.SetText(text + " …")
}

func (cd *checkDialog) finish(rep halo.Report, run storage.Run, err error, took time.Duration) {
	cd.setRunning(false)
	cd.cancel = nil
	cd.waitNote.Hide()
	// One duration: the check's own, as the summary, history and the
	// report give it (the elapsed time also counted reading the keyring
	// and storing).
	if rep.Duration > 0 {
		took = rep.Duration
	}
	cd.elapsed.SetText(halo.FormatDuration(took))
	if rep.Checks == nil {
		// The check never started (keyring failure).
		cd.err = err
		cd.summary.SetText("The check could not run: " + err.Error())
		cd.summary.Importance = widget.DangerImportance
		cd.summary.Refresh()
		cd.copyBtn.Disable()
		cd.saveBtn.Disable()
		return
	}
	cd.report, cd.run, cd.err = &rep, run, err
	cd.list.setReport(rep)
	cd.bar.SetValue(cd.bar.Max)
	cancelled := run.Verdict() == storage.VerdictCancelled || errors.Is(cd.u.ctx.Err(), context.Canceled)
	text, imp := verdict(rep, cancelled)
	if err != nil {
		text += " " + err.Error() + "."
		imp = widget.DangerImportance
	}
	cd.summary.SetText(text)
	cd.summary.Importance = imp
	cd.summary.Refresh()
	read := rep.Agents.Visible+rep.Teams+rep.Departments > 0
	switch {
	case rep.Snapshot != nil || read:
		cd.pullBar.SetValue(cd.pullBar.Max)
		cd.pullLabel.SetText(pulledText(rep) + " " + pullOutcome(rep, cancelled, err))
	default:
		cd.pullBar.SetValue(0)
		cd.pullLabel.SetText("No user data was pulled: the stored agents and teams were kept.")
	}
	// Reloading is harmless when nothing was stored, and needed when the
	// snapshot was stored but the history row was not.
	cd.u.checkFinished(cd.profile.ID)
}

// pullOutcome says what became of the user data the check read: only a
// check that passed brings a snapshot, and storage keeps it only then
// (storage.SaveCheckRun); err is the storing's error.
func pullOutcome(rep halo.Report, cancelled bool, err error) string {
	switch {
	case cancelled:
		return "The stored agents were kept: the check was cancelled."
	case !rep.OK || rep.Snapshot == nil:
		return "The stored agents were kept: the check did not pass."
	case err != nil:
		return "Storing them failed (see above)."
	}
	return "Saved for the Mapping screen."
}

// verdict is the dialog's headline for a finished report.
func verdict(rep halo.Report, cancelled bool) (string, widget.Importance) {
	t := storage.ReportTally(rep, cancelled)
	switch t.Verdict {
	case storage.VerdictCancelled:
		return "Cancelled: the check stopped before it finished.", widget.WarningImportance
	case storage.VerdictFailed:
		return rep.Headline() + " The fixes below say what to change.", widget.DangerImportance
	case storage.VerdictWarnings:
		return rep.Headline() + " See below.", widget.WarningImportance
	}
	return rep.Headline(), widget.SuccessImportance
}

func pulledText(rep halo.Report) string {
	s := fmt.Sprintf("Pulled %s, %s and %s", halo.CountOf(rep.Agents.Visible, "agent"), halo.CountOf(rep.Teams, "team"),
		halo.CountOf(rep.Departments, "department"))
	if rep.Organisations > 0 {
		s += fmt.Sprintf(" (%s)", halo.CountOf(rep.Organisations, "organisation"))
	}
	return s + "."
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
