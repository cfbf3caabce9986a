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
	progress map[string]*widget.Label // per section title
	overall  *widget.ProgressBar
	resetBtn *widget.Button
	scroll   *container.Scroll
	list     *fyne.Container
	confirm  *dialog.ConfirmDialog

	profileView
	state    map[string]storage.ChecklistItem
	verified map[string]time.Time
	haloBase string
	loading  bool // applying stored state: do not write it back
	lit      *stepRow

	// Writes are serialised per step: the goroutine that runs last writes
	// the newest wanted state, so quick tick/untick never ends reversed.
	writeMu sync.Mutex
	want    map[string]bool
	written map[string]bool
}

func newChecklistScreen(u *UI) *checklistScreen {
	s := &checklistScreen{u: u, byID: map[string]*stepRow{}, progress: map[string]*widget.Label{},
		state: map[string]storage.ChecklistItem{}, verified: map[string]time.Time{}}
	s.list = container.NewVBox()
	for _, sec := range halo.Checklist {
		prog := widget.NewLabel("")
		s.progress[sec.Title] = prog
		s.list.Add(container.NewBorder(nil, nil, nil, prog, heading(sec.Title)))
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
	s.overall = widget.NewProgressBar()
	s.overall.TextFormatter = func() string {
		return fmt.Sprintf("%d of %d steps done", int(s.overall.Value), int(s.overall.Max))
	}
	s.overall.Max = float64(len(s.rows))
	s.resetBtn = widget.NewButtonWithIcon("Reset…", theme.ContentClearIcon(), s.askReset)
	top := container.NewVBox(
		heading("Setup checklist"),
		wrapped("1stream's “Advanced HaloPSA Integration” article, step by step. Tick each step as you do it; "+
			"progress is saved with the profile at once. Steps the systems check can prove show when it did."),
		container.NewBorder(nil, nil, nil, s.resetBtn, s.overall),
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
	s.refreshProgress()
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

func (s *checklistScreen) refreshProgress() {
	done := 0
	for _, sec := range halo.Checklist {
		n := 0
		for _, st := range sec.Steps {
			if s.state[st.ID].Done {
				n++
			}
		}
		done += n
		s.progress[sec.Title].SetText(fmt.Sprintf("%d of %d", n, len(sec.Steps)))
	}
	s.overall.SetValue(float64(done))
	if done == 0 {
		s.resetBtn.Disable()
	} else {
		s.resetBtn.Enable()
	}
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
	s.refreshProgress()

	pid := s.profile.ID
	key := fmt.Sprintf("%d/%s", pid, id)
	s.writeMu.Lock()
	if s.want == nil {
		s.want, s.written = map[string]bool{}, map[string]bool{}
	}
	s.want[key] = done
	s.writeMu.Unlock()
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
		want := s.want[key]
		if w, ok := s.written[key]; ok && w == want {
			return struct{}{}, nil
		}
		if err := s.u.env.DB.SetChecklistStep(ctx, pid, id, want, ""); err != nil {
			return struct{}{}, err
		}
		s.written[key] = want
		return struct{}{}, nil
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
				s.writeMu.Lock()
				defer s.writeMu.Unlock()
				for k := range s.written {
					if strings.HasPrefix(k, fmt.Sprintf("%d/", p.ID)) {
						delete(s.written, k)
						delete(s.want, k)
					}
				}
				return struct{}{}, s.u.env.DB.ResetChecklist(ctx, p.ID)
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
