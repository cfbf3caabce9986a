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

// The Contacts screen audits the profile's Halo contacts for what stands
// in the way of a screen pop (numbers Halo's search misses, missing names,
// no phone, shared and unparseable numbers), fixes them in Halo and tests
// a caller's number. It is put together from a region field, the audit's
// controls (auditView over auditRunner), the problems (problemsView over
// the problems model), the writes (contactWrites: fix, undo, edit over
// contactWriter) and Test a caller (callerView over callerTest). Contacts
// are personal data: nothing here logs a name or a number, only counts.
type contactsScreen struct {
	u       *UI
	profile *storage.Profile

	root  *fyne.Container
	state *widget.Label // the empty state or what to do next
	tabs  *container.AppTabs

	region    *regionField
	audit     *auditView
	problems  *problemsView
	writes    *contactWrites
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
	s.writes = newContactWrites(contactWriter{db: u.env.DB, client: u.profileClient, log: u.env.Log}, s.openFix, s.openUndo,
		func() { u.goToStep(refreshStep) })
	s.problems = newProblemsView(s.openEdit, s.openContact, s.showExport, s.writes.fixBtn, s.writes.undoBtn)
	s.caller = newCallerView(callerTest{client: u.profileClient}, s.lookup, s.openURL, s.openEdit)

	auditRow := container.NewBorder(nil, nil, s.region.row, s.audit.buttons(), s.region.note)
	top := container.NewVBox(heading("Contacts"),
		wrapped("The audit finds the contacts (Halo's Users) that stand in the way of a screen pop, Fix numbers in Halo… rewrites "+
			"the numbers Halo's phone search misses, and Test a caller shows what Halo's search finds for a number."),
		auditRow, s.audit.status, s.state, s.problems.summary, s.writes.row)
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
	s.writes.clear()
	s.audit.clearError()
	s.region.fill(s.savedRegion(), "")
	s.load()
	s.loadUndoable()
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
	// What follows (the audit) was asked for this profile only.
	s.updateProfile(func(p *storage.Profile) { p.Region = string(r) }, func() {
		s.checkRegion()
		if then != nil {
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
	enable(s.writes.fixBtn, s.canWrite() && s.problems.model != nil)
	enable(s.writes.undoBtn, s.canWrite() && s.writes.undoRun != nil)
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
		return
	case err != nil:
		s.audit.fail(err)
	default:
		s.setAudit(r)
	}
	s.audited(r, err)
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

// bindings: F5 audits again, as it refreshes elsewhere; Ctrl+Shift+F opens
// Fix numbers in Halo….
func (s *contactsScreen) bindings() []binding {
	return []binding{{key: fyne.KeyF5, run: s.startAudit}, {shortcut: fixShortcut, run: s.openFix}}
}

// goToContacts shows the Contacts screen: the checklist's contacts steps
// and the check's contacts row lead there.
func (u *UI) goToContacts() {
	u.showScreen(func(s screen) bool { _, ok := s.(*contactsScreen); return ok })
}
