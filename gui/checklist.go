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

// stepAction is the helper button a checklist step offers.
type stepAction int

const (
	actionNone       stepAction = iota
	actionOpenHalo              // open the Halo instance in the browser
	actionConnection            // go to the Connection screen
	actionRunCheck              // run the systems check
	actionMapping               // go to the Mapping screen
)

// checklistStep is one step of 1stream's "Advanced HaloPSA Integration"
// article. IDs never change: storage and the check's fix links
// use them.
type checklistStep struct {
	id     string
	num    int // the article's step number; 0 for unnumbered items
	title  string
	detail string
	action stepAction
}

type checklistSection struct {
	title string
	intro string
	steps []checklistStep
}

// checklistSections mirrors the article in its own order and words
// (shortened), with what 1stream's and Halo's other guides add.
var checklistSections = []checklistSection{
	{
		title: "Before you start",
		steps: []checklistStep{{
			id:    "before-core",
			title: "1stream Core licence (or higher) for the users",
			detail: "The Advanced HaloPSA integration is only available with 1stream Core licences and higher plans. " +
				"Without Core this integration will not work: use 1stream's Screen Pop URL feature instead (see 1stream's " +
				"“Screen Pop URL” article), or ask your 1stream Sales Representative to upgrade the user licensing.",
		}},
	},
	{
		title: "Generating the Client ID and Client Secret in Halo",
		steps: []checklistStep{
			{id: "halo-1", num: 1, title: "Log into your HaloPSA account with an admin user's permissions.", action: actionOpenHalo,
				detail: "Use an account that may create API applications. The button opens your Halo instance once its URL is on the Connection screen."},
			{id: "halo-2", num: 2, title: "Select Configurations.", detail: "The cog in Halo's left-hand menu."},
			{id: "halo-3", num: 3, title: "Scroll down and select Integrations."},
			{id: "halo-4", num: 4, title: "Select HaloPSA API.",
				detail: "Its API Details show the resource server, the authorisation server and, on hosted Halo, the tenant. " +
					"Only on-premise or trial instances need these in the Connection screen's Advanced section."},
			{id: "halo-5", num: 5, title: "Click the View Applications button."},
			{id: "halo-6", num: 6, title: "The Applications listing page loads."},
			{id: "halo-7", num: 7, title: "Click New in the upper right-hand corner."},
			{id: "halo-8", num: 8, title: "In the Application Name field, enter a name such as 1stream.",
				detail: "Any name works; “1stream” makes it easy to recognise later."},
			{id: "halo-9", num: 9, title: "Authentication Method: select Client ID and Secret (Services).",
				detail: "Set Login Type to Agent and pick the API agent (see the Halo API User Notice below) as the Agent to log in as: " +
					"the application can only see what that agent sees."},
			{id: "halo-10", num: 10, title: "On the Permissions tab, check the All option.",
				detail: "1stream's article asks for All. If the systems check reports a scope error, its fix explains the alternative."},
			{id: "halo-11", num: 11, title: "Click Save."},
			{id: "halo-12", num: 12, title: "The Client ID and Client Secret are created.",
				detail: "Halo shows the Client Secret in full only now."},
			{id: "halo-13", num: 13, title: "Save the Client ID and Client Secret.", action: actionConnection,
				detail: "Paste both on the Connection screen: the Client ID is stored with the profile, the Client Secret only in the system keyring."},
		},
	},
	{
		title: "Halo API User Notice",
		steps: []checklistStep{{
			id: "halo-notice", title: "An API-only agent to log in as, with a Default Team", action: actionRunCheck,
			detail: "Create an agent that is also an API user so the users list is visible: Configuration > Teams & Agents > Agents > New, " +
				"Username 1stream, “Is an API-only Agent” ticked (it takes no licence). Give it a Default Team — without one it cannot see " +
				"other agents and the setup fails — and add it to the departments and teams whose agents 1stream must see. " +
				"Then choose it as the application's Agent to log in as.",
		}},
	},
	{
		title: "Connecting the Halo Client ID and Client Secret into 1stream",
		intro: "The Connection screen prepares every value this form asks for, with a copy button each.",
		steps: []checklistStep{
			{id: "1s-1", num: 1, title: "Log into the 1stream Admin Portal."},
			{id: "1s-2", num: 2, title: "Go to the Administration > Manage Organization menu in the top right."},
			{id: "1s-3", num: 3, title: "Scroll down to the Connected Account and CRM Settings section."},
			{id: "1s-4", num: 4, title: "Click the green circled + to open the configuration pop-up."},
			{id: "1s-5", num: 5, title: "Select HaloPSA in the CRM Platform drop-down."},
			{id: "1s-6", num: 6, title: "Click the Save button.", detail: "The pop-up refreshes with the connection configuration settings."},
			{id: "1s-7", num: 7, title: "CRM Company: enter your HaloPSA Company ID.", action: actionConnection,
				detail: "The Connection screen shows the value (the tenant) and can detect it from your instance."},
			{id: "1s-8", num: 8, title: "API Key: enter the Client ID generated in Halo.", action: actionConnection},
			{id: "1s-9", num: 9, title: "API Private Key: enter the Client Secret generated in Halo.", action: actionConnection,
				detail: "The Connection screen copies it from the system keyring to the clipboard."},
			{id: "1s-10", num: 10, title: "Endpoint: enter your Halo URL with api/ at the end.", action: actionConnection,
				detail: "It should look like https://yourcompany.halopsa.com/api/"},
			{id: "1s-11", num: 11, title: "CRM Details link: enter your Halo URL.", action: actionConnection,
				detail: "It should look like https://yourcompany.halopsa.com/"},
			{id: "1s-12", num: 12, title: "Click Save."},
			{id: "1s-13", num: 13, title: "Scroll up to the 1stream Administration section."},
			{id: "1s-14", num: 14, title: "Click on the Systems Check link.", action: actionRunCheck,
				detail: "1stream's pop-up confirms the connection and pulls the user data from Halo. This assistant's systems check " +
					"tests the same credentials step by step first and says what to fix."},
		},
	},
	{
		title: "Mapping CRM Users",
		steps: []checklistStep{{
			id: "map-users", title: "Map each 1stream user to their Halo user", action: actionMapping,
			detail: "All intended users must exist in 1stream first. Then Administration > Manage Organization > CRM User Mappings: " +
				"pick the Halo user for each 1stream user and click Save. The Mapping screen prepares and checks this list.",
		}},
	},
	{
		title: "Not seeing Halo users?",
		steps: []checklistStep{{
			id: "not-seeing", title: "Make the API agent see the agents", action: actionRunCheck,
			detail: "If Halo users are missing from 1stream's drop-down, add the 1stream API agent in Halo to the departments and teams " +
				"whose agents should be visible, and ensure multi-tenancy is enabled. The systems check lists what the API agent can see.",
		}},
	},
}

// checkVerifies maps a systems-check ID to the checklist steps its pass
// proves: working credentials prove the application was created and saved
// correctly.
var checkVerifies = map[string][]string{
	halo.CheckToken: {"halo-9", "halo-10", "halo-11", "halo-12", "halo-13"},
}

// verifiedSteps reads a stored check report and returns the steps it
// proves, with the time of the run.
func verifiedSteps(report []byte, at time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	var r halo.Report
	if len(report) == 0 || json.Unmarshal(report, &r) != nil {
		return out
	}
	for _, c := range r.Checks {
		if c.Status != halo.StatusPass {
			continue
		}
		for _, id := range checkVerifies[c.ID] {
			out[id] = at
		}
	}
	// The API User Notice is followed when the API agent works (identity)
	// and actually sees other agents: the agents check passed and more
	// than one enabled agent — not just itself — was visible. Identity
	// alone passes for an API agent without teams, which sees nobody.
	if r.Check(halo.CheckIdentity).Status == halo.StatusPass && r.Check(halo.CheckAgents).Status == halo.StatusPass &&
		r.Agents.Enabled > 1 {
		out["halo-notice"] = at
	}
	return out
}

// stepRow is the widgets of one step.
type stepRow struct {
	step   checklistStep
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
	for _, sec := range checklistSections {
		prog := widget.NewLabel("")
		s.progress[sec.title] = prog
		s.list.Add(container.NewBorder(nil, nil, nil, prog, heading(sec.title)))
		if sec.intro != "" {
			s.list.Add(wrapped(sec.intro))
		}
		for _, st := range sec.steps {
			r := s.newRow(st)
			s.rows = append(s.rows, r)
			s.byID[st.id] = r
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

func (s *checklistScreen) newRow(st checklistStep) *stepRow {
	r := &stepRow{step: st}
	text := st.title
	if st.num > 0 {
		text = fmt.Sprintf("%d. %s", st.num, st.title)
	}
	r.title = widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: st.num == 0})
	r.title.Wrapping = fyne.TextWrapWord
	r.detail = wrapped(st.detail)
	if st.detail == "" {
		r.detail.Hide()
	}
	r.status = wrapped("")
	r.status.Hide()
	r.check = widget.NewCheck("", func(done bool) { s.changed(r, done) })
	r.bg = canvas.NewRectangle(transparent)
	r.bg.CornerRadius = theme.InputRadiusSize()
	switch st.action {
	case actionOpenHalo:
		r.button = widget.NewButtonWithIcon("Open Halo", theme.ComputerIcon(), s.openHalo)
	case actionConnection:
		r.button = widget.NewButtonWithIcon("Connection", theme.NavigateNextIcon(), func() {
			s.u.showScreen(func(sc screen) bool { _, ok := sc.(*connectionScreen); return ok })
		})
	case actionRunCheck:
		r.button = widget.NewButtonWithIcon("Run systems check", theme.MediaPlayIcon(), func() { s.u.runSystemsCheck() })
	case actionMapping:
		r.button = widget.NewButtonWithIcon("Mapping", theme.NavigateNextIcon(), func() {
			s.u.showScreen(func(sc screen) bool { return sc.title() == "Mapping" })
		})
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
		r.check.SetChecked(s.state[r.step.id].Done)
		s.refreshStatus(r)
		if r.step.action == actionOpenHalo {
			if s.haloBase == "" {
				r.button.Disable()
			} else {
				r.button.Enable()
			}
		}
		if r.step.action == actionMapping {
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
	if at, ok := s.verified[r.step.id]; ok {
		parts = append(parts, "✓ verified by check on "+fmtWhen(at))
	}
	if it, ok := s.state[r.step.id]; ok && it.Done && it.By != "" {
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
	if _, ok := s.verified[r.step.id]; ok {
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
	for _, sec := range checklistSections {
		n := 0
		for _, st := range sec.steps {
			if s.state[st.id].Done {
				n++
			}
		}
		done += n
		s.progress[sec.title].SetText(fmt.Sprintf("%d of %d", n, len(sec.steps)))
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
	id := r.step.id
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
	for _, sec := range checklistSections {
		for _, st := range sec.steps {
			if st.id == id {
				if st.num > 0 {
					return fmt.Sprintf("%s, step %d", sec.title, st.num)
				}
				return sec.title
			}
		}
	}
	return ""
}

// fmtWhen formats a time for labels: local time, minutes.
func fmtWhen(t time.Time) string { return t.Local().Format("2 Jan 2006 15:04") }

// tightVBox stacks labels without the gap between their own paddings, so
// a title and its detail read as one block.
func tightVBox(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()), objs...)
}
