package gui

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// ---- the "Systems check" screen ----

// checkScreen shows the profile's latest check and starts new ones.
type checkScreen struct {
	u *UI

	runBtn *widget.Button
	last   *widget.Label
	pulled *widget.Label
	list   *checkResults
	dlg    *checkDialog
	profileView
}

func newCheckScreen(u *UI) *checkScreen {
	s := &checkScreen{u: u}
	s.runBtn = widget.NewButtonWithIcon("Run systems check (Ctrl+R)", theme.MediaPlayIcon(), u.runSystemsCheck)
	s.runBtn.Importance = widget.HighImportance
	s.last = wrapped("")
	s.pulled = wrapped("")
	s.list = newCheckResults(u.goToStep)
	s.list.onContacts = u.goToContacts
	intro := wrapped("Tests the saved connection step by step — the URL, the server, Halo itself, the Client ID and Secret, " +
		"the API agent, whether it may read the contacts, customers and tickets 1stream uses on every call — and pulls the " +
		"agents, teams and departments the Mapping screen uses. " +
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

// runImportance is the colour of a stored run's verdict.
func runImportance(r storage.Run) widget.Importance { return verdictImportance(r.Verdict()) }

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
