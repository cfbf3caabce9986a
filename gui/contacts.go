package gui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

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
// unparseable numbers) and tests a caller's number. Contacts are personal
// data: nothing here logs a name or a number, only counts.

// contactsAccessFix is what to do when Halo refuses to list contacts: the
// systems check's words (halo.AccessFix), with the checklist step that sets
// the API agent's "Users Access Level".
var contactsAccessFix, contactsAccessStep = func() (string, string) {
	fix, step := halo.AccessFix(halo.CheckContacts)
	return "Halo refused to list its contacts (Users): the API agent may not read them. " + fix, step
}()

// problemKinds are the filter's choices, in the audit's order.
var problemKinds = []struct {
	p    contacts.Problem
	name string
}{
	{contacts.MissingName, "Missing name"},
	{contacts.NoPhone, "No phone"},
	{contacts.SharedNumber, "Shared number"},
	{contacts.Unparseable, "Unparseable"},
}

const allProblems = "All problems"

func problemName(p contacts.Problem) string {
	for _, k := range problemKinds {
		if k.p == p {
			return k.name
		}
	}
	return string(p)
}

// sitePhoneNote explains the table's last text column, whose header has
// no room to.
const sitePhoneNote = "The site's number is shown for reference: 1stream pops a contact by the contact's own numbers."

// Columns of the problems table.
const (
	colProblem = iota
	colContact
	colClient
	colSite
	colNumbers
	colSitePhone
	colOpen
	contactsCols
)

var contactsColTitles = [contactsCols]string{"Problem", "Contact", "Customer", "Site", "Numbers", "Site's number", ""}

// contactsColWidths is what each column's typical values need and
// contactsColMin the least that still reads; the fixed columns have the
// same in both (fitContactsColumns).
var (
	contactsColWidths = [contactsCols]float32{130, 170, 190, 120, 240, 140, 124}
	contactsColMin    = [contactsCols]float32{130, 120, 140, 90, 160, 120, 124}
)

type contactsScreen struct {
	u       *UI
	profile *storage.Profile

	root  fyne.CanvasObject
	state *widget.Label // the empty state or what to do next
	// summary (counts, when, changes) and body (the problems table) are
	// hidden until there is an audit.
	top     *fyne.Container
	summary *fyne.Container
	body    *fyne.Container
	tabs    *container.AppTabs

	region     *widget.Entry
	regionNote *widget.Label

	auditBtn  *widget.Button
	cancelBtn *widget.Button
	bar       *widget.ProgressBar
	progress  *widget.Label
	waitNote  *widget.Label
	errMsg    *widget.Label
	fixBtn    *widget.Button

	counts  *widget.Label
	when    *widget.Label
	changes *widget.Label

	kind      *widget.Select
	filter    *widget.Entry
	shownInfo *widget.Label
	table     *contactsTable
	exportBtn *widget.Button
	exportDlg *saveDialog

	lookupEntry *widget.Entry
	lookupBtn   *widget.Button
	verdict     *widget.Label
	matches     *fyne.Container
	missed      *widget.Label

	// audit is the last audit (nil: none), rebuilt from the stored
	// snapshot on load; snapshot its contacts, by ID for the site's number.
	audit    *contacts.Audit
	snapshot []halo.Contact
	byID     map[int]int
	// haystack is each finding's text, lower case, for the text filter.
	haystack []string
	// shown are the indices of the findings the filters let through.
	shown []int

	running bool
	cancel  context.CancelFunc
	loadSeq int
	lookSeq int
}

func newContactsScreen(u *UI) *contactsScreen {
	s := &contactsScreen{u: u}
	s.state = wrapped("")
	s.region = widget.NewEntry()
	s.region.SetPlaceHolder("GB")
	s.region.OnChanged = func(string) { s.checkRegion() }
	s.region.OnSubmitted = func(string) { s.saveRegion(nil) }
	s.regionNote = wrapped("")

	s.auditBtn = widget.NewButtonWithIcon("Audit contacts (F5)", theme.ViewRefreshIcon(), s.startAudit)
	s.auditBtn.Importance = widget.HighImportance
	s.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.stop)
	s.cancelBtn.Hide()
	s.bar = widget.NewProgressBar()
	s.bar.Hide()
	s.progress = wrapped("")
	s.progress.Hide()
	s.waitNote = wrapped("")
	s.waitNote.Importance = widget.WarningImportance
	s.waitNote.Hide()
	s.errMsg = wrapped("")
	s.errMsg.Importance = widget.DangerImportance
	s.errMsg.Hide()
	s.fixBtn = widget.NewButtonWithIcon("Show the checklist step", theme.NavigateNextIcon(), func() { u.goToStep(contactsAccessStep) })
	s.fixBtn.Hide()

	s.counts = wrapped("")
	s.counts.TextStyle.Bold = true
	s.when = wrapped("")
	s.changes = wrapped("")

	names := []string{allProblems}
	for _, k := range problemKinds {
		names = append(names, k.name)
	}
	s.kind = widget.NewSelect(names, func(string) { s.applyFilter() })
	s.kind.SetSelected(allProblems)
	s.filter = widget.NewEntry()
	s.filter.SetPlaceHolder("Filter: contact, customer, site, number or contact ID")
	s.filter.OnChanged = func(string) { s.applyFilter() }
	s.shownInfo = widget.NewLabel("")
	s.table = s.newTable()
	s.exportBtn = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), s.showExport)

	s.lookupEntry = widget.NewEntry()
	s.lookupEntry.SetPlaceHolder("A caller's number in any format, e.g. 020 7946 0500 or +44 20 7946 0500")
	s.lookupEntry.OnSubmitted = func(string) { s.lookup() }
	s.lookupBtn = widget.NewButtonWithIcon("Test", theme.SearchIcon(), s.lookup)
	s.verdict = wrapped("")
	s.verdict.TextStyle.Bold = true
	s.matches = container.NewVBox()
	s.missed = wrapped("")
	s.missed.Importance = widget.WarningImportance
	s.missed.Hide()

	// The note is one truncated line: wrapped, it would take its width
	// from the entry beside it.
	s.regionNote.Wrapping = fyne.TextWrapOff
	s.regionNote.Truncation = fyne.TextTruncateEllipsis
	regionBox := container.NewHBox(widget.NewLabel("Region of the numbers"),
		container.NewGridWrap(fyne.NewSize(70, s.region.MinSize().Height), s.region))
	auditRow := container.NewBorder(nil, nil, regionBox, container.NewHBox(s.cancelBtn, s.auditBtn), s.regionNote)
	errRow := container.NewBorder(nil, nil, nil, s.fixBtn, s.errMsg)
	s.summary = container.NewVBox(s.counts, s.when, s.changes)
	s.top = container.NewVBox(heading("Contacts"),
		wrapped("On every call 1stream looks the caller's number up among Halo's contacts (Users) to pop the right contact. "+
			"The audit finds the contacts that stand in the way; Test a caller shows what a call from a number does."),
		auditRow, s.bar, s.progress, s.waitNote, errRow, s.state, s.summary)

	// Two tabs, so the problems table gets the window's height.
	filters := container.NewBorder(nil, nil, s.kind, s.exportBtn, s.filter)
	s.body = container.NewBorder(container.NewVBox(filters, s.shownInfo), nil, nil, nil, s.table)
	lookupBox := container.NewVBox(
		wrapped("Type a number in any format: the app asks Halo the way a phone system does (as typed, national and international) "+
			"and matches the numbers of the last audit."),
		container.NewBorder(nil, nil, nil, s.lookupBtn, s.lookupEntry), s.verdict, s.matches, s.missed)
	s.tabs = container.NewAppTabs(
		// In a stack: the tabs show their content whenever they lay it out.
		container.NewTabItemWithIcon("Problems", theme.WarningIcon(), container.NewStack(s.body)),
		container.NewTabItemWithIcon("Test a caller", theme.SearchIcon(), container.NewVScroll(lookupBox)))
	s.root = container.NewBorder(s.top, nil, nil, nil, s.tabs)
	s.show()
	return s
}

func (s *contactsScreen) newTable() *contactsTable {
	t := newContactsTable()
	t.Length = func() (int, int) { return len(s.shown), contactsCols }
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		b := widget.NewButtonWithIcon("Open in Halo", theme.ComputerIcon(), nil)
		b.Importance = widget.LowImportance
		return container.NewStack(l, b)
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		cell := o.(*fyne.Container)
		l, b := cell.Objects[0].(*widget.Label), cell.Objects[1].(*widget.Button)
		if id.Row >= len(s.shown) {
			return
		}
		f := s.audit.Findings[s.shown[id.Row]]
		if id.Col == colOpen {
			l.Hide()
			b.Show()
			cid := f.ContactID
			b.OnTapped = func() { s.openContact(cid) }
			return
		}
		b.Hide()
		l.Show()
		l.SetText(s.cellText(f, id.Col))
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < contactsCols {
			o.(*widget.Label).SetText(contactsColTitles[id.Col])
		}
	}
	return t
}

// cellText is what the problems table shows in column col for f.
func (s *contactsScreen) cellText(f contacts.Finding, col int) string {
	switch col {
	case colProblem:
		return problemName(f.Problem)
	case colContact:
		if f.Contact == "" {
			return "(no name) #" + strconv.Itoa(f.ContactID)
		}
		return f.Contact
	case colClient:
		return f.Client
	case colSite:
		return f.Site
	case colNumbers:
		return strings.Join(f.Numbers, ", ")
	case colSitePhone:
		if i, ok := s.byID[f.ContactID]; ok {
			return s.snapshot[i].SitePhone
		}
	}
	return ""
}

func (s *contactsScreen) title() string { return "Contacts" }

// icon: the Profiles screen has the person; this screen looks callers up.
func (s *contactsScreen) icon() fyne.Resource        { return theme.SearchIcon() }
func (s *contactsScreen) content() fyne.CanvasObject { return s.root }
func (s *contactsScreen) connected(p *storage.Profile) bool {
	return p != nil && p.HaloURL != "" && p.ClientID != ""
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
	s.stop()
	s.setAudit(contactsView{})
	s.changes.SetText("")
	s.clearLookup()
	s.errMsg.Hide()
	s.fixBtn.Hide()
	s.region.SetText(s.profileRegion())
	s.load()
}

// profileRegion is the profile's region, else the OS locale's.
func (s *contactsScreen) profileRegion() string {
	if s.profile != nil && s.profile.Region != "" {
		return s.profile.Region
	}
	return contacts.DefaultRegion(os.Getenv)
}

// regionValue is the typed region, upper case, and whether it is one.
func (s *contactsScreen) regionValue() (string, bool) {
	r := strings.ToUpper(strings.TrimSpace(s.region.Text))
	return r, contacts.ValidRegion(r)
}

func (s *contactsScreen) checkRegion() {
	r, ok := s.regionValue()
	switch {
	case !ok:
		s.regionNote.Importance = widget.DangerImportance
		s.regionNote.SetText("Type a two-letter country code such as GB or US: numbers without a country code are read for it.")
	case s.profile != nil && r != s.profile.Region:
		s.regionNote.Importance = widget.MediumImportance
		from := ""
		if s.profile.Region == "" && r == contacts.DefaultRegion(os.Getenv) {
			from = " (this computer's locale)"
		}
		s.regionNote.SetText("Numbers without a country code are read as " + r + " numbers" + from +
			"; saved for the profile when you press Enter or audit.")
	default:
		s.regionNote.Importance = widget.MediumImportance
		s.regionNote.SetText("Numbers without a country code are read as " + r + " numbers.")
	}
	s.regionNote.Refresh()
	s.show()
}

// saveRegion stores a valid typed region on the profile when it changed,
// then runs then (when set) on the UI goroutine.
func (s *contactsScreen) saveRegion(then func()) {
	r, ok := s.regionValue()
	if s.profile == nil || !ok {
		return
	}
	if r == s.profile.Region {
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
		p.Region = r
		if err := s.u.env.DB.UpdateConnection(ctx, p); err != nil {
			return p, err
		}
		return p, nil
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

// load reads the profile's stored snapshot and audits it again (a fast,
// local step) so the problems show without a pull.
func (s *contactsScreen) load() {
	s.loadSeq++
	seq := s.loadSeq
	if s.profile == nil {
		s.show()
		return
	}
	id := s.profile.ID
	s.show()
	// Auditing the stored contacts again is local but not instant (half a
	// second for 50,000): it runs with the read, off the UI goroutine.
	type loaded struct {
		view    contactsView
		changes storage.ContactsChanges
	}
	runAsync(s.u, func(ctx context.Context) (loaded, error) {
		snap, ok, err := s.u.env.DB.Contacts(ctx, id)
		if err != nil || !ok {
			return loaded{}, err
		}
		sum, _, err := s.u.env.DB.ContactsSummary(ctx, id)
		if err != nil {
			return loaded{}, err
		}
		if !sum.At.Equal(snap.PulledAt) {
			// An audit from the command line landed between the two reads:
			// these changes are not the shown audit's.
			sum.Changes = storage.ContactsChanges{}
		}
		a := contacts.RunWith(snap.Contacts, snap.Region, snap.PulledAt, snap.Probe.Answer)
		return loaded{newContactsView(&a, snap.Contacts), sum.Changes}, nil
	}, func(l loaded, err error) {
		if seq != s.loadSeq || s.running {
			return
		}
		if err != nil {
			s.u.showError("Loading the last contacts audit failed", err)
			return
		}
		s.setAudit(l.view)
		if l.view.audit != nil {
			s.changes.SetText(contactsChangesText(l.changes))
		}
	})
}

// contactsChangesText says how the shown audit compared with the one
// before it, right after it ran or read back after a restart.
func contactsChangesText(ch storage.ContactsChanges) string {
	problems := func(n int) string { return halo.CountOf(n, "problem", "problems") }
	switch {
	case !ch.Recorded:
		return "What changed since the previous audit shows after the next one."
	case ch.First():
		return "First audit of this profile: the next one says what changed."
	case ch.Fixed+ch.New == 0:
		return fmt.Sprintf("Nothing changed since the previous audit (%s).", fmtWhen(ch.PreviousAt))
	}
	return fmt.Sprintf("Since the previous audit (%s): %s fixed, %s new.", fmtWhen(ch.PreviousAt), problems(ch.Fixed), problems(ch.New))
}

// contactsView is an audit made ready for the screen off the UI
// goroutine: its contacts by ID (for the site's number) and each
// finding's text, lower case, for the filter.
type contactsView struct {
	audit    *contacts.Audit
	snapshot []halo.Contact
	byID     map[int]int
	haystack []string
}

// newContactsView prepares a (nil: no audit) and its contacts.
func newContactsView(a *contacts.Audit, snap []halo.Contact) contactsView {
	v := contactsView{audit: a, snapshot: snap, byID: make(map[int]int, len(snap))}
	for i, c := range snap {
		v.byID[c.ID] = i
	}
	if a != nil {
		v.haystack = make([]string, len(a.Findings))
		var b strings.Builder
		for i, f := range a.Findings {
			b.Reset()
			b.WriteString(strconv.Itoa(f.ContactID))
			for _, t := range append([]string{f.Contact, f.Client, f.Site, f.Number}, f.Numbers...) {
				b.WriteByte(0) // no word typed spans two fields
				b.WriteString(t)
			}
			v.haystack[i] = strings.ToLower(b.String())
		}
	}
	return v
}

// setAudit shows a prepared audit (a zero view: none).
func (s *contactsScreen) setAudit(v contactsView) {
	s.audit, s.snapshot, s.byID, s.haystack = v.audit, v.snapshot, v.byID, v.haystack
	if a := v.audit; a != nil {
		active := halo.CountOf(a.Active, "active contact", "active contacts")
		if a.Contacts != a.Active {
			active += fmt.Sprintf(" of %d", a.Contacts)
		}
		s.counts.SetText(fmt.Sprintf("%s · %d missing a name · %d without a phone number · %s · %d with an unparseable number",
			active, a.MissingName, a.NoPhone, halo.CountOf(a.SharedNumbers, "number shared", "numbers shared"), a.Unparseable))
		s.when.SetText(fmt.Sprintf("Last audit %s, numbers read for region %s.", fmtWhen(a.At), a.Region))
	}
	s.applyFilter()
	s.show()
}

// applyFilter lists the findings of the chosen kind whose text holds the
// typed words. It runs on every keystroke: one pass over lower-cased text.
func (s *contactsScreen) applyFilter() {
	if s.table == nil {
		return
	}
	s.shown = s.shown[:0]
	if s.audit != nil {
		var want contacts.Problem
		for _, k := range problemKinds {
			if k.name == s.kind.Selected {
				want = k.p
			}
		}
		words := strings.Fields(strings.ToLower(s.filter.Text))
	next:
		for i, f := range s.audit.Findings {
			if want != "" && f.Problem != want {
				continue
			}
			for _, w := range words {
				if !strings.Contains(s.haystack[i], w) {
					continue next
				}
			}
			s.shown = append(s.shown, i)
		}
		switch {
		case len(s.audit.Findings) == 0:
			s.shownInfo.SetText("No problems: every active contact has a name and a number of its own that 1stream can pop.")
		case len(s.shown) == len(s.audit.Findings):
			s.shownInfo.SetText(halo.CountOf(len(s.shown), "problem", "problems") + ". " + sitePhoneNote)
		default:
			s.shownInfo.SetText(fmt.Sprintf("%d of %s shown. %s", len(s.shown),
				halo.CountOf(len(s.audit.Findings), "problem", "problems"), sitePhoneNote))
		}
	}
	s.table.Refresh()
	s.table.ScrollToTop()
}

// show sets the empty state and what can be pressed.
func (s *contactsScreen) show() {
	_, regionOK := s.regionValue()
	switch {
	case s.profile == nil:
		s.state.SetText("No profile selected. Create or select one on the Profiles screen, save its connection, then audit its contacts here.")
	case !s.connected(s.profile):
		s.state.SetText("This profile has no connection yet. Save the Halo URL, Client ID and Client Secret on the Connection screen, then audit its contacts here.")
	case s.audit == nil && !s.running:
		s.state.SetText("Not audited yet. Audit contacts pulls every active contact from Halo (about one request per 100 contacts), " +
			"checks names and numbers, and keeps the contacts in this profile's database only.")
	default:
		s.state.SetText("")
	}
	if s.state.Text == "" {
		s.state.Hide()
	} else {
		s.state.Show()
	}
	if s.audit != nil {
		s.summary.Show()
		s.body.Show()
		s.exportBtn.Enable()
	} else {
		s.summary.Hide()
		s.body.Hide()
		s.exportBtn.Disable()
	}
	if s.connected(s.profile) && !s.running && regionOK {
		s.auditBtn.Enable()
	} else {
		s.auditBtn.Disable()
	}
	if s.connected(s.profile) && regionOK {
		s.lookupBtn.Enable()
	} else {
		s.lookupBtn.Disable()
	}
	// Lines above the tabs come and go: lay the screen out again.
	s.root.Refresh()
}

func (s *contactsScreen) stop() {
	if s.cancel != nil {
		s.cancel()
	}
}

// auditProgress is the pull's progress, handed from the client's
// goroutines to the screen's ticker.
type auditProgress struct {
	mu   sync.Mutex
	pp   halo.PullProgress
	wait string
	seen bool
}

// startAudit saves the region when it changed, then pulls and audits the
// contacts off the UI goroutine with progress and Cancel.
func (s *contactsScreen) startAudit() {
	if s.running || !s.connected(s.profile) {
		return
	}
	s.saveRegion(s.runAudit)
}

func (s *contactsScreen) runAudit() {
	region, ok := s.regionValue()
	if s.running || !s.connected(s.profile) || !ok {
		return
	}
	p := *s.profile
	ctx, cancel := context.WithCancel(s.u.ctx)
	s.cancel = cancel
	s.running = true
	s.loadSeq++ // a load still on its way must not replace this audit
	s.errMsg.Hide()
	s.fixBtn.Hide()
	s.waitNote.Hide()
	s.bar.SetValue(0)
	s.bar.Show()
	s.progress.SetText("Reading the Client Secret and signing in …")
	s.progress.Show()
	s.cancelBtn.Show()
	s.show()
	started := time.Now()
	prog := &auditProgress{}
	render := func() {
		prog.mu.Lock()
		pp, wait, seen := prog.pp, prog.wait, prog.seen
		prog.mu.Unlock()
		if !s.running {
			return
		}
		if wait != "" {
			s.waitNote.SetText(wait + " Cancel stops the audit.")
			s.waitNote.Show()
		} else {
			s.waitNote.Hide()
		}
		if seen {
			s.bar.SetValue(pullFraction(pp))
			s.progress.SetText(pullText(pp, time.Since(started)))
		}
	}
	s.u.env.Log.Info("contacts audit started", "profile", p.ID)
	runAsync(s.u, func(context.Context) (auditDone, error) {
		defer cancel()
		secret, err := readSecret(ctx, s.u.env, p.ID)
		if err != nil {
			return auditDone{}, fmt.Errorf("reading the Client Secret from the keyring failed: %w", err)
		}
		if secret == "" {
			return auditDone{}, errNoSecret
		}
		cfg := s.u.haloConfig(p, secret)
		// The client's goroutines record the progress and flag it; this
		// goroutine hands it to the UI, coalesced, so no page waits for
		// the screen and no update is lost.
		dirty := make(chan struct{}, 1)
		flag := func() {
			select {
			case dirty <- struct{}{}:
			default:
			}
		}
		cfg.OnWait = func(reason halo.ErrorKind, d time.Duration) {
			prog.mu.Lock()
			prog.wait = halo.WaitMessage(reason, d) + " Cancel stops the audit."
			prog.mu.Unlock()
			flag()
		}
		c, err := halo.NewClient(cfg)
		if err != nil {
			return auditDone{}, err
		}
		type outcome struct {
			res storage.ContactsAuditResult
			err error
		}
		out := make(chan outcome, 1)
		go func() {
			res, err := storage.AuditContacts(ctx, s.u.env.DB, c, p.ID, region, time.Now(), func(pp halo.PullProgress) {
				if pp.Stage != "contacts" {
					return
				}
				prog.mu.Lock()
				prog.pp, prog.seen, prog.wait = pp, true, ""
				prog.mu.Unlock()
				flag()
			})
			out <- outcome{res, err}
		}()
		for {
			select {
			case <-dirty:
				fyne.Do(render)
			case o := <-out:
				select {
				case <-dirty:
					fyne.Do(render)
				default:
				}
				if o.err != nil {
					return auditDone{}, o.err
				}
				a := o.res.Audit
				return auditDone{o.res, newContactsView(&a, o.res.Snapshot.Contacts)}, nil
			}
		}
	}, func(d auditDone, err error) {
		s.finishAudit(p.ID, d, err, time.Since(started))
	})
}

var errNoSecret = errors.New("no Client Secret is stored for this profile")

// pullFraction is how far the pull is, 0…1.
func pullFraction(pp halo.PullProgress) float64 {
	switch {
	case pp.ContactsTotal > 0:
		return min(1, float64(pp.Contacts)/float64(pp.ContactsTotal))
	case pp.PagesTotal > 0:
		return min(1, float64(pp.Pages)/float64(pp.PagesTotal))
	}
	return 0
}

// pullText says how far the pull is and, once a page is in, about how long
// the rest takes at the pace so far.
func pullText(pp halo.PullProgress, took time.Duration) string {
	text := fmt.Sprintf("Pulling contacts from Halo: %d read", pp.Contacts)
	if pp.ContactsTotal > 0 {
		text = fmt.Sprintf("Pulling contacts from Halo: %d of %d read", pp.Contacts, pp.ContactsTotal)
	}
	if pp.PagesTotal > 0 {
		text += fmt.Sprintf(" (page %d of %d)", pp.Pages, pp.PagesTotal)
	} else if pp.Pages > 0 {
		text += fmt.Sprintf(" (%s)", halo.CountOf(pp.Pages, "page", "pages"))
	}
	if f := pullFraction(pp); f > 0 && f < 1 {
		left := time.Duration(float64(took) * (1 - f) / f)
		text += "; about " + halo.FormatDuration(left.Round(time.Second)) + " left"
	}
	return text + " …"
}

// auditDone is a finished audit with its view prepared.
type auditDone struct {
	res  storage.ContactsAuditResult
	view contactsView
}

func (s *contactsScreen) finishAudit(profileID int64, d auditDone, err error, took time.Duration) {
	res := d.res
	s.running = false
	s.cancel = nil
	s.cancelBtn.Hide()
	s.bar.Hide()
	s.progress.Hide()
	s.waitNote.Hide()
	defer s.show()
	if s.profile == nil || s.profile.ID != profileID {
		// Another profile is shown now: its load gave way to this audit.
		s.load()
		return
	}
	if err != nil {
		msg, fix := auditErrorText(err)
		if errors.Is(err, context.Canceled) {
			s.u.env.Log.Info("contacts audit cancelled", "profile", profileID)
		} else {
			s.u.env.Log.Warn("contacts audit failed", "profile", profileID, "err", err)
		}
		s.errMsg.SetText(msg)
		s.errMsg.Show()
		if fix {
			s.fixBtn.Show()
		}
		return
	}
	a := res.Audit
	s.u.env.Log.Info("contacts audited", "profile", profileID, "contacts", a.Contacts, "active", a.Active,
		"missing_name", a.MissingName, "no_phone", a.NoPhone, "shared_numbers", a.SharedNumbers,
		"unparseable", a.Unparseable, "took", took.Round(time.Millisecond))
	s.setAudit(d.view)
	s.changes.SetText(contactsChangesText(res.Summary.Changes))
}

// auditErrorText explains a failed audit and whether the checklist step
// fixes it. Nothing was stored either way.
func auditErrorText(err error) (string, bool) {
	const kept = " Nothing was stored: the previous audit is kept."
	var ku *storage.KeyringUnavailableError
	switch {
	case errors.Is(err, context.Canceled):
		return "Cancelled." + kept, false
	case halo.IsNoAccess(err):
		return contactsAccessFix + kept, true
	case errors.Is(err, errNoSecret):
		return "No Client Secret is stored for this profile: enter it on the Connection screen and save, then audit again.", false
	case errors.As(err, &ku):
		return "The system keyring is unavailable (" + ku.Reason() + "), so the Client Secret cannot be read. To fix it, " +
			ku.Hint() + "." + kept, false
	}
	return "The audit failed: " + err.Error() + "." + kept, false
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
	if s.profile == nil || s.audit == nil {
		return
	}
	inst, err := halo.ParseInstance(s.profile.HaloURL)
	if err != nil {
		s.u.showError("The profile's Halo URL is not valid", err)
		return
	}
	a := *s.audit
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
