package gui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

var transparent color.Color = color.Transparent

// runAndStoreCheck runs the systems check for p with cfg (which carries the
// secret) and records it, as the CLI does.
func runAndStoreCheck(ctx context.Context, db *storage.DB, p storage.Profile, cfg halo.Config,
	progress func(halo.CheckResult)) (halo.Report, storage.Run, error) {
	rep := halo.RunCheck(ctx, cfg, progress)
	run, err := storage.RecordCheck(ctx, db, p.ID, rep)
	return rep, run, err
}

// haloConfig is the client configuration for a saved profile, with the
// test hook (Env.Configure) applied.
func (u *UI) haloConfig(p storage.Profile, secret string) halo.Config {
	cfg := p.HaloConfig(secret, u.env.Log) // storage's, so both front-ends reach Halo alike
	if u.env.Configure != nil {
		u.env.Configure(&cfg)
	}
	return cfg
}

// readSecret reads a profile's secret (off the UI goroutine) and registers
// it for log redaction. A missing secret is "" without error: the check then
// says so in its own words.
func readSecret(ctx context.Context, env *Env, profileID int64) (string, error) {
	secret, err := env.Secrets.Get(ctx, profileID)
	if errors.Is(err, storage.ErrSecretNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	applog.AddSecret(secret)
	return secret, nil
}

// ---- status look ----

func statusIcon(st halo.Status) fyne.Resource {
	switch st {
	case halo.StatusPass:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case halo.StatusWarn:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case halo.StatusFail:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case halo.StatusSkip:
		return theme.NewDisabledResource(theme.MediaSkipNextIcon())
	}
	return theme.NewDisabledResource(theme.RadioButtonIcon())
}

func statusWord(st halo.Status) (string, widget.Importance) {
	switch st {
	case halo.StatusPass:
		return "Passed", widget.SuccessImportance
	case halo.StatusWarn:
		return "Warning", widget.WarningImportance
	case halo.StatusFail:
		return "Failed", widget.DangerImportance
	// The icon shows these states; the word stays readable (the disabled
	// colour is too faint for text).
	case halo.StatusSkip:
		return "Skipped", widget.MediumImportance
	case halo.StatusRunning:
		return "Running…", widget.MediumImportance
	}
	return "Waiting", widget.MediumImportance
}

// ---- the result rows (dialog, screen and history share them) ----

type checkRow struct {
	id     string
	status halo.Status
	icon   *widget.Icon
	spin   *widget.Activity
	title  *widget.Label
	state  *widget.Label
	detail *widget.Label
	fix    *widget.Label
	goTo   *widget.Button
	step   string
	root   *fyne.Container
}

type checkList struct {
	rows   []*checkRow
	byID   map[string]*checkRow
	box    *fyne.Container
	scroll *container.Scroll // around box; relaid out when rows change height
	onGoTo func(step string)
}

func newCheckList(onGoTo func(step string)) *checkList {
	l := &checkList{byID: map[string]*checkRow{}, box: container.NewVBox(), onGoTo: onGoTo}
	for i, id := range halo.CheckIDs() {
		r := &checkRow{id: id}
		r.icon = widget.NewIcon(statusIcon(""))
		r.spin = widget.NewActivity()
		r.spin.Hide()
		r.title = widget.NewLabelWithStyle(halo.CheckTitle(id), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.state = widget.NewLabel("")
		r.detail = wrapped("")
		r.detail.Hide()
		r.fix = wrapped("")
		r.fix.Hide()
		r.goTo = widget.NewButtonWithIcon("Checklist step", theme.ListIcon(), func() {
			if l.onGoTo != nil && r.step != "" {
				l.onGoTo(r.step)
			}
		})
		r.goTo.Hide()
		// Centre the icon on the title's line.
		top := (widget.NewLabel("X").MinSize().Height - theme.IconInlineSize()) / 2
		left := container.New(layout.NewCustomPaddedLayout(top, 0, 0, 0), container.NewVBox(container.NewStack(r.icon, r.spin)))
		right := container.NewVBox(r.goTo)
		body := tightVBox(container.NewHBox(r.title, r.state), r.detail, r.fix)
		r.root = container.NewBorder(nil, nil, left, right, body)
		if i > 0 {
			l.box.Add(widget.NewSeparator())
		}
		l.box.Add(r.root)
		l.rows = append(l.rows, r)
		l.byID[id] = r
	}
	l.scroll = container.NewVScroll(l.box)
	l.reset()
	return l
}

// reset shows every check as waiting.
func (l *checkList) reset() {
	for _, r := range l.rows {
		l.set(halo.CheckResult{ID: r.id})
	}
}

// set shows one result; unknown IDs are ignored.
func (l *checkList) set(c halo.CheckResult) {
	r, ok := l.byID[c.ID]
	if !ok {
		return
	}
	r.status = c.Status
	if c.Status == halo.StatusRunning {
		r.icon.Hide()
		r.spin.Show()
		r.spin.Start()
	} else {
		r.spin.Stop()
		r.spin.Hide()
		r.icon.SetResource(statusIcon(c.Status))
		r.icon.Show()
	}
	word, imp := statusWord(c.Status)
	if c.Duration >= time.Millisecond && c.Status != halo.StatusRunning {
		word += fmt.Sprintf(" · %s", halo.FormatDuration(c.Duration))
	}
	r.state.SetText(word)
	r.state.Importance = imp
	r.state.Refresh()
	setOptional(r.detail, c.Detail)
	problem := c.Status == halo.StatusFail || c.Status == halo.StatusWarn
	r.step = ""
	fix := ""
	if problem && c.Fix != "" {
		fix = "How to fix: " + c.Fix
	}
	if problem && c.Step != "" {
		r.step = c.Step
		if t := stepTitle(c.Step); t != "" {
			if fix == "" {
				fix = "See the checklist"
			}
			fix += " (Checklist: " + t + ")"
		}
	}
	setOptional(r.fix, fix)
	if r.step != "" && l.onGoTo != nil {
		r.goTo.Show()
	} else {
		r.goTo.Hide()
	}
	if l.scroll != nil {
		l.scroll.Refresh()
	}
}

// setReport shows a finished report.
func (l *checkList) setReport(rep halo.Report) {
	l.reset()
	for _, c := range rep.Checks {
		l.set(c)
	}
}

func setOptional(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

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
// (storage.RecordCheck); err is the storing's error.
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
		return halo.CountOf(len(t.Failed), "check") + " failed — the fixes below say what to change.", widget.DangerImportance
	case storage.VerdictWarnings:
		return "Connected, with " + halo.CountOf(len(t.Warned), "warning") + " — see below.", widget.WarningImportance
	}
	return "All checks passed: 1stream can use this connection.", widget.SuccessImportance
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

// ---- the "Systems check" screen ----

// checkScreen shows the profile's latest check and starts new ones.
type checkScreen struct {
	u *UI

	runBtn *widget.Button
	last   *widget.Label
	pulled *widget.Label
	list   *checkList
	dlg    *checkDialog
	profileView
}

func newCheckScreen(u *UI) *checkScreen {
	s := &checkScreen{u: u}
	s.runBtn = widget.NewButtonWithIcon("Run systems check (Ctrl+R)", theme.MediaPlayIcon(), u.runSystemsCheck)
	s.runBtn.Importance = widget.HighImportance
	s.last = wrapped("")
	s.pulled = wrapped("")
	s.list = newCheckList(u.goToStep)
	intro := wrapped("Tests the saved connection step by step — the URL, the server, Halo itself, the Client ID and Secret, " +
		"the API agent — and pulls the agents, teams and departments the Mapping screen uses. " +
		"It is what 1stream's own Systems Check does, with a reason and a fix for every problem.")
	top := container.NewVBox(heading("Systems check"), intro, container.NewHBox(s.runBtn), s.last, s.pulled, widget.NewSeparator())
	s.initProfileView(u, "The systems check runs for a profile's saved connection.",
		container.NewBorder(top, nil, nil, nil, s.list.scroll))
	return s
}

func (s *checkScreen) title() string       { return "Systems check" }
func (s *checkScreen) icon() fyne.Resource { return theme.MediaPlayIcon() }

func (s *checkScreen) profileChanged(p *storage.Profile) {
	s.setProfile(p)
	if p != nil {
		s.load()
	}
}

func (s *checkScreen) checkFinished(profileID int64) {
	if s.showing(profileID) {
		s.load()
	}
}

func (s *checkScreen) load() {
	type result struct {
		run      storage.Run
		ok       bool
		pulledAt time.Time
		snap     halo.Snapshot
	}
	id, seq := s.profile.ID, s.loadSeq
	runAsync(s.u, func(ctx context.Context) (result, error) {
		run, ok, err := s.u.env.DB.LatestRun(ctx, id, storage.RunCheck)
		if err != nil {
			return result{}, err
		}
		snap, at, err := s.u.env.DB.Snapshot(ctx, id)
		if err != nil {
			return result{}, err
		}
		return result{run: run, ok: ok, pulledAt: at, snap: snap}, nil
	}, func(r result, err error) {
		if seq != s.loadSeq {
			return
		}
		if err != nil {
			s.u.showError("Loading the last check failed", err)
			return
		}
		s.list.reset()
		if !r.ok {
			s.last.SetText("No check has run for this profile yet. Save the connection, then run the check.")
			s.last.Importance = widget.MediumImportance
		} else {
			var rep halo.Report
			if json.Unmarshal(r.run.Report, &rep) == nil {
				s.list.setReport(rep)
			}
			s.last.SetText(fmt.Sprintf("Last check %s: %s (%s).", fmtWhen(r.run.StartedAt), r.run.Summary, halo.FormatDuration(r.run.Duration)))
			s.last.Importance = runImportance(r.run)
		}
		s.last.Refresh()
		if r.pulledAt.IsZero() {
			s.pulled.SetText("No agents pulled yet.")
		} else {
			s.pulled.SetText(fmt.Sprintf("Stored for mapping: %s, %s and %s, pulled %s.",
				halo.CountOf(len(r.snap.Agents), "agent"), halo.CountOf(len(r.snap.Teams), "team"),
				halo.CountOf(len(r.snap.Departments), "department"), fmtWhen(r.pulledAt)))
		}
	})
}

func runImportance(r storage.Run) widget.Importance {
	switch r.Verdict() {
	case storage.VerdictFailed:
		return widget.DangerImportance
	case storage.VerdictCancelled, storage.VerdictWarnings:
		return widget.WarningImportance
	}
	return widget.SuccessImportance
}

// ---- running the check from anywhere (toolbar, Ctrl+R, other screens) ----

// runSystemsCheck opens the check dialog for the current profile (toolbar,
// Ctrl+R, checklist and Connection screen buttons). With a dialog already
// open it re-runs it unless it is still running.
func (u *UI) runSystemsCheck() {
	s := findScreen[*checkScreen](u)
	if s == nil {
		return
	}
	if u.current == nil {
		dialog.ShowInformation("Systems check", "Create or select a profile first: the check runs for its saved connection.", u.win)
		return
	}
	if s.dlg != nil && s.dlg.visible {
		s.dlg.start()
		return
	}
	start := func() {
		if u.current == nil {
			return
		}
		s.dlg = newCheckDialog(u, *u.current)
		s.dlg.show()
	}
	if c := findScreen[*connectionScreen](u); c != nil {
		c.ensureSaved(start)
		return
	}
	start()
}
