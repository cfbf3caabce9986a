package gui

import (
	"context"
	"fmt"
	"io"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The Contacts screen audits the profile's Halo contacts the way 1stream
// uses them for screen pops (missing names, no phone, shared and
// unparseable numbers) and tests a caller's number. It is put together
// from a region field, the audit's controls (auditView over auditRunner),
// the problems (problemsView over the problems model) and Test a caller
// (callerView over callerTest). Contacts are personal data: nothing here
// logs a name or a number, only counts.
type contactsScreen struct {
	u       *UI
	profile *storage.Profile

	root  *fyne.Container
	state *widget.Label // the empty state or what to do next
	tabs  *container.AppTabs

	region    *regionField
	audit     *auditView
	problems  *problemsView
	caller    *callerView
	exportDlg *saveDialog

	// loadSeq tells the newest read of the last audit from older ones.
	loadSeq int
}

func newContactsScreen(u *UI) *contactsScreen {
	s := &contactsScreen{u: u, state: wrapped("")}
	s.region = newRegionField(u.env.getenv, s.checkRegion, func() { s.saveRegion(nil) })
	s.audit = newAuditView(auditRunner{db: u.env.DB, client: u.profileClient, log: u.env.Log}, s.startAudit,
		func() { u.goToStep(contactsAccessStep) })
	s.problems = newProblemsView(s.openContact, s.showExport)
	s.caller = newCallerView(callerTest{client: u.profileClient}, s.lookup, s.openURL)

	auditRow := container.NewBorder(nil, nil, s.region.row, s.audit.buttons(), s.region.note)
	top := container.NewVBox(heading("Contacts"),
		wrapped("On every call 1stream looks the caller's number up among Halo's contacts (Users) to pop the right contact. "+
			"The audit finds the contacts that stand in the way; Test a caller shows what a call from a number does."),
		auditRow, s.audit.status, s.state, s.problems.summary)
	// Two tabs, so the problems table gets the window's height.
	s.tabs = container.NewAppTabs(
		// In a stack: the tabs show their content whenever they lay it out.
		container.NewTabItemWithIcon("Problems", theme.WarningIcon(), container.NewStack(s.problems.body)),
		container.NewTabItemWithIcon("Test a caller", theme.SearchIcon(), s.caller.content))
	s.root = container.NewBorder(top, nil, nil, nil, s.tabs)
	s.show()
	return s
}

func (s *contactsScreen) title() string { return "Contacts" }

// icon: the Profiles screen has the person; this screen looks callers up.
func (s *contactsScreen) icon() fyne.Resource        { return theme.SearchIcon() }
func (s *contactsScreen) content() fyne.CanvasObject { return s.root }
func (s *contactsScreen) connected() bool {
	return s.profile != nil && s.profile.HaloURL != "" && s.profile.ClientID != ""
}

// profileChanged loads the profile's last audit. The same profile saved
// again (its region, its connection) keeps what is shown.
func (s *contactsScreen) profileChanged(p *storage.Profile) {
	same := p != nil && s.profile != nil && p.ID == s.profile.ID
	s.profile = p
	if same {
		s.show()
		return
	}
	s.audit.job.Cancel()
	s.problems.set(nil, "")
	s.caller.clear()
	s.audit.clearError()
	s.region.fill(s.savedRegion(), "")
	s.load()
}

// savedRegion is the profile's own region ("" none).
func (s *contactsScreen) savedRegion() contacts.Region {
	if s.profile == nil {
		return ""
	}
	return contacts.Region(s.profile.Region)
}

func (s *contactsScreen) checkRegion() {
	s.region.checkNote(s.savedRegion(), s.profile != nil)
	s.show()
}

// saveRegion stores a valid typed region on the profile when it changed,
// then runs then (when set) on the UI goroutine.
func (s *contactsScreen) saveRegion(then func()) {
	r, ok := s.region.value()
	if s.profile == nil || !ok {
		return
	}
	if r == s.savedRegion() {
		if then != nil {
			then()
		}
		return
	}
	id := s.profile.ID
	runAsync(s.u, func(ctx context.Context) (storage.Profile, error) {
		// The stored profile, not this screen's copy: only the region changes.
		p, err := s.u.env.DB.Profile(ctx, id)
		if err != nil {
			return p, err
		}
		p.Region = string(r)
		return p, s.u.env.DB.UpdateConnection(ctx, p)
	}, func(p storage.Profile, err error) {
		if err != nil {
			s.u.showError("Saving the region failed", err)
			return
		}
		same := s.profile != nil && s.profile.ID == p.ID
		if same {
			s.profile.Region = p.Region
		}
		s.u.profileSaved(p)
		s.checkRegion()
		// What follows (the audit) was asked for this profile only.
		if then != nil && same {
			then()
		}
	})
}

// load reads the profile's last audit back (auditRunner.last) so the
// problems show without a pull.
func (s *contactsScreen) load() {
	s.loadSeq++
	seq := s.loadSeq
	s.show()
	if s.profile == nil {
		return
	}
	id := s.profile.ID
	runAsync(s.u, func(ctx context.Context) (auditResult, error) {
		return s.audit.runner.last(ctx, id)
	}, func(r auditResult, err error) {
		if seq != s.loadSeq || s.audit.running() {
			return
		}
		if err != nil {
			s.u.showError("Loading the last contacts audit failed", err)
			return
		}
		s.setAudit(r)
	})
}

// setAudit shows an audit read back or just run (no problems: none).
func (s *contactsScreen) setAudit(r auditResult) {
	if r.problems == nil {
		s.problems.set(nil, "")
	} else {
		s.problems.set(r.problems, contactsChangesText(r.changes))
		s.region.lastAudit(contacts.Region(r.problems.audit.Region))
	}
	s.show()
}

// show sets the empty state and what can be pressed.
func (s *contactsScreen) show() {
	_, regionOK := s.region.value()
	running := s.audit.running()
	switch {
	case s.profile == nil:
		s.state.SetText("No profile selected. Create or select one on the Profiles screen, save its connection, then audit its contacts here.")
	case !s.connected():
		s.state.SetText("This profile has no connection yet. Save the Halo URL, Client ID and Client Secret on the Connection screen, then audit its contacts here.")
	case s.problems.model == nil && !running:
		s.state.SetText("Not audited yet. Audit contacts pulls every active contact from Halo (about one request per 100 contacts), " +
			"checks names and numbers, and keeps the contacts in this profile's database only.")
	default:
		s.state.SetText("")
	}
	show(s.state, s.state.Text != "")
	s.problems.show()
	enable(s.audit.auditBtn, s.connected() && !running && regionOK)
	enable(s.caller.testBtn, s.connected() && regionOK)
	// Lines above the tabs come and go: lay the screen out again.
	s.root.Refresh()
}

// startAudit saves the region when it changed, then audits.
func (s *contactsScreen) startAudit() {
	if s.audit.running() || !s.connected() {
		return
	}
	s.saveRegion(s.runAudit)
}

// runAudit pulls and audits the contacts off the UI goroutine with
// progress and Cancel (auditView).
func (s *contactsScreen) runAudit() {
	region, ok := s.region.value()
	if s.audit.running() || !s.connected() || !ok {
		return
	}
	p := *s.profile
	s.loadSeq++ // a load still on its way must not replace this audit
	s.audit.start(s.u, p, region, func(r auditResult, err error) { s.auditDone(p.ID, r, err) })
	s.show()
}

func (s *contactsScreen) auditDone(profileID int64, r auditResult, err error) {
	defer s.show()
	switch {
	case s.profile == nil || s.profile.ID != profileID:
		// Another profile is shown now: its load gave way to this audit.
		s.load()
	case err != nil:
		s.audit.fail(err)
	default:
		s.setAudit(r)
	}
}

// lookup tests the typed caller's number (callerView).
func (s *contactsScreen) lookup() {
	region, ok := s.region.value()
	if !s.connected() || !ok {
		return
	}
	var snap []halo.Contact
	if m := s.problems.model; m != nil {
		snap = m.snapshot
	}
	s.caller.start(s.u, *s.profile, snap, region, s.show)
}

func (s *contactsScreen) openContact(id int) {
	if s.profile == nil {
		return
	}
	inst, err := halo.ParseInstance(s.profile.HaloURL)
	if err != nil {
		s.u.showError("The profile's Halo URL is not valid", err)
		return
	}
	s.openURL(contacts.ContactLink(inst, id))
}

func (s *contactsScreen) openURL(link string) {
	u, err := url.Parse(link)
	if err == nil {
		err = s.u.app.OpenURL(u)
	}
	if err != nil {
		s.u.showError("Opening the contact in the browser failed", err)
	}
}

// showExport saves every finding of the audit as CSV, in the layout the
// CLI's --out writes.
func (s *contactsScreen) showExport() {
	m := s.problems.model
	if s.profile == nil || m == nil {
		return
	}
	inst, err := halo.ParseInstance(s.profile.HaloURL)
	if err != nil {
		s.u.showError("The profile's Halo URL is not valid", err)
		return
	}
	a := *m.audit
	intro := fmt.Sprintf("Writes a CSV with one row per contact and problem (%s) and a link that opens each contact in Halo. "+
		"It holds names and numbers: keep it where personal data belongs.", halo.CountOf(len(a.Findings), "row", "rows"))
	s.exportDlg = s.u.showSaveDialog("Export contact problems", intro, "Export",
		fileSlug(s.profile.Name)+"-contacts-audit.csv", ".csv", nil, func(path string, done func(error)) {
			runAsync(s.u, func(context.Context) (struct{}, error) {
				return struct{}{}, mapping.WriteFileAtomic(path, func(w io.Writer) error { return contacts.WriteCSV(w, a, inst) })
			}, func(_ struct{}, err error) { done(err) })
		})
}

// bindings: F5 audits again, as it refreshes elsewhere.
func (s *contactsScreen) bindings() []binding {
	return []binding{{key: fyne.KeyF5, run: s.startAudit}}
}

// goToContacts shows the Contacts screen: the checklist's contacts steps
// and the check's contacts row lead there.
func (u *UI) goToContacts() {
	u.showScreen(func(s screen) bool { _, ok := s.(*contactsScreen); return ok })
}
