package gui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// verifiedSteps reads a stored check report and returns the steps it
// proves (halo.StepsProven), with the time of the run.
func verifiedSteps(report []byte, at time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	var r halo.Report
	if len(report) == 0 || json.Unmarshal(report, &r) != nil {
		return out
	}
	for _, id := range halo.StepsProven(r) {
		out[id] = at
	}
	return out
}

// stepRow is the widgets of one step.
type stepRow struct {
	step   halo.ChecklistStep
	check  *widget.Check
	title  *widget.Label
	detail *widget.Label
	status *widget.Label
	button *widget.Button
	bg     *canvas.Rectangle
	root   *fyne.Container
}

// checklistScreen is the setup checklist of the current profile.
type checklistScreen struct {
	u *UI

	rows     []*stepRow
	byID     map[string]*stepRow
	progress *checklistProgress
	scroll   *container.Scroll
	list     *fyne.Container
	confirm  *dialog.ConfirmDialog

	profileView
	state    map[string]storage.ChecklistItem
	verified map[string]time.Time
	haloBase string
	loading  bool // applying stored state: do not write it back
	lit      *stepRow

	writes stepWrites
}

// checklistProgress is the checklist's counts: done of all steps per
// section and overall, and Reset, which needs a tick to undo.
type checklistProgress struct {
	sections map[string]*widget.Label // by section title
	overall  *widget.ProgressBar
	reset    *widget.Button
}

func newChecklistProgress(onReset func()) *checklistProgress {
	p := &checklistProgress{sections: map[string]*widget.Label{}}
	p.overall = widget.NewProgressBar()
	p.overall.TextFormatter = func() string {
		return fmt.Sprintf("%d of %d steps done", int(p.overall.Value), int(p.overall.Max))
	}
	steps := 0
	for _, sec := range halo.Checklist {
		p.sections[sec.Title] = widget.NewLabel("")
		steps += len(sec.Steps)
	}
	p.overall.Max = float64(steps)
	p.reset = widget.NewButtonWithIcon("Reset…", theme.ContentClearIcon(), onReset)
	return p
}

// show counts the steps state marks done.
func (p *checklistProgress) show(state map[string]storage.ChecklistItem) {
	done := 0
	for _, sec := range halo.Checklist {
		n := 0
		for _, st := range sec.Steps {
			if state[st.ID].Done {
				n++
			}
		}
		done += n
		p.sections[sec.Title].SetText(fmt.Sprintf("%d of %d", n, len(sec.Steps)))
	}
	p.overall.SetValue(float64(done))
	enable(p.reset, done > 0)
}

// stepWrites serialises the writes of ticks per step: the goroutine that
// runs last writes the newest wanted state, so a quick tick/untick never
// ends reversed.
type stepWrites struct {
	mu      sync.Mutex
	want    map[string]bool // by stepKey
	written map[string]bool
}

func stepKey(profileID int64, stepID string) string { return fmt.Sprintf("%d/%s", profileID, stepID) }

// wanted records the state the admin wants for a step.
func (w *stepWrites) wanted(profileID int64, stepID string, done bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.want == nil {
		w.want, w.written = map[string]bool{}, map[string]bool{}
	}
	w.want[stepKey(profileID, stepID)] = done
}

// write stores the newest wanted state of a step with store, unless it is
// stored already. It may wait for another step write.
func (w *stepWrites) write(profileID int64, stepID string, store func(done bool) error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	key := stepKey(profileID, stepID)
	want := w.want[key]
	if done, ok := w.written[key]; ok && done == want {
		return nil
	}
	if err := store(want); err != nil {
		return err
	}
	w.written[key] = want
	return nil
}

// reset forgets what is known of a profile's steps and runs store (which
// unticks them all) while no step write runs.
func (w *stepWrites) reset(profileID int64, store func() error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	prefix := fmt.Sprintf("%d/", profileID)
	for k := range w.written {
		if strings.HasPrefix(k, prefix) {
			delete(w.written, k)
			delete(w.want, k)
		}
	}
	return store()
}

func newChecklistScreen(u *UI) *checklistScreen {
	s := &checklistScreen{u: u, byID: map[string]*stepRow{},
		state: map[string]storage.ChecklistItem{}, verified: map[string]time.Time{}}
	s.progress = newChecklistProgress(s.askReset)
	s.list = container.NewVBox()
	for _, sec := range halo.Checklist {
		s.list.Add(container.NewBorder(nil, nil, nil, s.progress.sections[sec.Title], heading(sec.Title)))
		if sec.Intro != "" {
			s.list.Add(wrapped(sec.Intro))
		}
		for _, st := range sec.Steps {
			r := s.newRow(st)
			s.rows = append(s.rows, r)
			s.byID[st.ID] = r
			s.list.Add(r.root)
		}
		s.list.Add(widget.NewSeparator())
	}
	s.scroll = container.NewVScroll(s.list)
	top := container.NewVBox(
		heading("Setup checklist"),
		wrapped("1stream's “Advanced HaloPSA Integration” article, step by step. Tick each step as you do it; "+
			"progress is saved with the profile at once. Steps the systems check can prove show when it did."),
		container.NewBorder(nil, nil, nil, s.progress.reset, s.progress.overall),
	)
	s.initProfileView(u, "The checklist is kept per profile.", container.NewBorder(top, nil, nil, nil, s.scroll))
	s.refreshAll()
	return s
}

func (s *checklistScreen) newRow(st halo.ChecklistStep) *stepRow {
	r := &stepRow{step: st}
	text := st.Title
	if st.Num > 0 {
		text = fmt.Sprintf("%d. %s", st.Num, st.Title)
	}
	r.title = widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: st.Num == 0})
	r.title.Wrapping = fyne.TextWrapWord
	r.detail = wrapped(st.Detail)
	if st.Detail == "" {
		r.detail.Hide()
	}
	r.status = wrapped("")
	r.status.Hide()
	r.check = widget.NewCheck("", func(done bool) { s.changed(r, done) })
	r.bg = canvas.NewRectangle(transparent)
	r.bg.CornerRadius = theme.InputRadiusSize()
	switch st.Action {
	case halo.ActionOpenHalo:
		r.button = widget.NewButtonWithIcon("Open Halo", theme.ComputerIcon(), s.openHalo)
	case halo.ActionConnection:
		r.button = widget.NewButtonWithIcon("Connection", theme.NavigateNextIcon(), func() {
			s.u.showScreen(func(sc screen) bool { _, ok := sc.(*connectionScreen); return ok })
		})
	case halo.ActionRunCheck:
		r.button = widget.NewButtonWithIcon("Run systems check", theme.MediaPlayIcon(), func() { s.u.runSystemsCheck() })
	case halo.ActionMapping:
		r.button = widget.NewButtonWithIcon("Mapping", theme.NavigateNextIcon(), func() {
			s.u.showScreen(func(sc screen) bool { return sc.title() == "Mapping" })
		})
	case halo.ActionContacts:
		r.button = widget.NewButtonWithIcon("Contacts", theme.NavigateNextIcon(), s.u.goToContacts)
	}
	var right fyne.CanvasObject
	if r.button != nil {
		right = container.NewVBox(r.button)
	}
	content := container.NewBorder(nil, nil, container.NewVBox(r.check), right, tightVBox(r.title, r.detail, r.status))
	r.root = container.NewStack(r.bg, container.NewPadded(content))
	return r
}

func (s *checklistScreen) title() string       { return "Checklist" }
func (s *checklistScreen) icon() fyne.Resource { return theme.ListIcon() }

func (s *checklistScreen) profileChanged(p *storage.Profile) {
	s.setProfile(p)
	if p == nil {
		return
	}
	s.haloBase = ""
	if inst, err := halo.ParseInstance(p.HaloURL); err == nil {
		s.haloBase = inst.DetailsURL
	}
	s.load()
}

// checkFinished reloads the "verified by check" notes after a run is stored.
func (s *checklistScreen) checkFinished(profileID int64) {
	if s.profile != nil && s.profile.ID == profileID {
		s.load()
	}
}

// load reads the profile's ticks and its latest check off the UI goroutine.
func (s *checklistScreen) load() {
	type result struct {
		items    map[string]storage.ChecklistItem
		verified map[string]time.Time
	}
	p := *s.profile
	seq := s.loadSeq
	runAsync(s.u, func(ctx context.Context) (result, error) {
		items, err := s.u.env.DB.Checklist(ctx, p.ID)
		if err != nil {
			return result{}, err
		}
		r := result{items: items, verified: map[string]time.Time{}}
		run, ok, err := s.u.env.DB.LatestRun(ctx, p.ID, storage.RunCheck)
		if err != nil {
			return result{}, err
		}
		if ok {
			r.verified = verifiedSteps(run.Report, run.StartedAt)
		}
		return r, nil
	}, func(r result, err error) {
		if seq != s.loadSeq {
			return
		}
		if err != nil {
			s.u.showError("Loading the checklist failed", err)
			return
		}
		s.state, s.verified = r.items, r.verified
		s.refreshAll()
	})
}

// refreshAll shows s.state and s.verified on every row.
func (s *checklistScreen) refreshAll() {
	s.loading = true
	for _, r := range s.rows {
		r.check.SetChecked(s.state[r.step.ID].Done)
		s.refreshStatus(r)
		if r.step.Action == halo.ActionOpenHalo {
			if s.haloBase == "" {
				r.button.Disable()
			} else {
				r.button.Enable()
			}
		}
		if r.step.Action == halo.ActionMapping {
			if findScreen[*mappingScreen](s.u) != nil {
				r.button.Show()
			} else {
				r.button.Hide()
			}
		}
	}
	s.loading = false
	s.progress.show(s.state)
	s.scroll.Refresh()
}

func (s *checklistScreen) refreshStatus(r *stepRow) {
	var parts []string
	if at, ok := s.verified[r.step.ID]; ok {
		parts = append(parts, "✓ verified by check on "+fmtWhen(at))
	}
	if it, ok := s.state[r.step.ID]; ok && it.Done && it.By != "" {
		parts = append(parts, fmt.Sprintf("ticked by %s, %s", it.By, fmtWhen(it.At)))
	}
	if len(parts) == 0 {
		if r.status.Visible() {
			r.status.Hide()
			s.list.Refresh()
		}
		return
	}
	r.status.SetText(strings.Join(parts, " · "))
	if _, ok := s.verified[r.step.ID]; ok {
		r.status.Importance = widget.SuccessImportance
	} else {
		// Informational, but readable: the disabled colour is too faint.
		r.status.Importance = widget.MediumImportance
	}
	r.status.Show()
	r.status.Refresh()
	s.list.Refresh()
}

// changed saves a tick at once.
func (s *checklistScreen) changed(r *stepRow, done bool) {
	if s.loading || s.profile == nil {
		return
	}
	id := r.step.ID
	it := s.state[id]
	it.StepID, it.Done, it.At, it.By = id, done, time.Now(), s.u.env.DB.Actor()
	s.state[id] = it
	s.refreshStatus(r)
	s.progress.show(s.state)

	pid := s.profile.ID
	s.writes.wanted(pid, id, done)
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.writes.write(pid, id, func(want bool) error {
			return s.u.env.DB.SetChecklistStep(ctx, pid, id, want, "")
		})
	}, func(_ struct{}, err error) {
		if err != nil {
			s.u.showError("Saving the checklist failed", err)
		}
	})
}

func (s *checklistScreen) askReset() {
	if s.profile == nil {
		return
	}
	p := *s.profile
	s.confirm = dialog.NewConfirm("Reset checklist",
		fmt.Sprintf("Untick every step of %q?\n\nThe audit log keeps a record of the reset.", p.Name),
		func(ok bool) {
			if !ok {
				return
			}
			runAsync(s.u, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, s.writes.reset(p.ID, func() error { return s.u.env.DB.ResetChecklist(ctx, p.ID) })
			}, func(_ struct{}, err error) {
				if err != nil {
					s.u.showError("Resetting the checklist failed", err)
					return
				}
				if s.profile != nil && s.profile.ID == p.ID {
					s.load()
				}
			})
		}, s.u.win)
	s.confirm.SetConfirmText("Reset")
	s.confirm.SetConfirmImportance(widget.DangerImportance)
	s.confirm.Show()
	s.u.escapable(s.confirm.Dismiss)
}

func (s *checklistScreen) openHalo() {
	if s.haloBase == "" {
		return
	}
	u, err := url.Parse(s.haloBase)
	if err == nil {
		err = s.u.app.OpenURL(u)
	}
	if err != nil {
		s.u.showError("Opening "+s.haloBase+" in the browser failed", err)
	}
}

// reveal scrolls to a step, highlights it and focuses its box.
func (s *checklistScreen) reveal(stepID string) {
	r, ok := s.byID[stepID]
	if !ok {
		return
	}
	if s.lit != nil {
		s.lit.bg.FillColor = transparent
		s.lit.bg.Refresh()
	}
	s.lit = r
	r.bg.FillColor = withAlpha(theme.Color(theme.ColorNamePrimary), 0x38)
	r.bg.Refresh()
	s.scroll.ScrollToOffset(fyne.NewPos(0, r.root.Position().Y))
	if c := s.u.win.Canvas(); c != nil {
		c.Focus(r.check)
	}
}

// stepTitle is a short human name for a step, for "Go to step" buttons.
func stepTitle(id string) string {
	for _, sec := range halo.Checklist {
		for _, st := range sec.Steps {
			if st.ID == id {
				if st.Num > 0 {
					return fmt.Sprintf("%s, step %d", sec.Title, st.Num)
				}
				return sec.Title
			}
		}
	}
	return ""
}

// tightVBox stacks labels without the gap between their own paddings, so
// a title and its detail read as one block.
func tightVBox(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()), objs...)
}
