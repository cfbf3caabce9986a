package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/halo-assistant/halo-assistant/storage"
)

// historyLimit bounds what the screen lists; older entries stay in the
// database (and the CLI can show them).
const historyLimit = 500

// historyScreen lists a profile's checks, syncs, exports and writes to
// Halo's contacts (fixes and undos, in counts), and the audit log.
type historyScreen struct {
	u       *UI
	profile *storage.Profile
	tabs    *container.AppTabs
	runs    *runsTab
	audit   *auditTab
	root    fyne.CanvasObject
}

func newHistoryScreen(u *UI) *historyScreen {
	s := &historyScreen{u: u, runs: newRunsTab(u), audit: newAuditTab(u)}
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Checks, syncs, exports, fixes", theme.MediaPlayIcon(), s.runs.root),
		container.NewTabItemWithIcon("Audit log", theme.DocumentIcon(), s.audit.root),
	)
	s.tabs.OnSelected = func(*container.TabItem) { s.reload() }
	s.root = container.NewBorder(heading("History"), nil, nil, nil, s.tabs)
	return s
}

func (s *historyScreen) title() string       { return "History" }
func (s *historyScreen) icon() fyne.Resource { return theme.HistoryIcon() }

// content is called each time the screen is shown: what happened on other
// screens since is listed.
func (s *historyScreen) content() fyne.CanvasObject {
	s.reload()
	return s.root
}

func (s *historyScreen) profileChanged(p *storage.Profile) {
	s.profile = p
	s.audit.profile = p
	s.reload()
}

func (s *historyScreen) checkFinished(profileID int64) {
	if s.profile != nil && s.profile.ID == profileID {
		s.runs.load(s.profile)
	}
}

func (s *historyScreen) reload() {
	s.runs.load(s.profile)
	s.audit.load()
}
