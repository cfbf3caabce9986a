package gui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// callerView is the Test a caller tab: a number, the searches asked, the
// verdict, the contacts Halo's search finds (each with Open in Halo) and
// those it misses (with Edit… to fix the stored number).
type callerView struct {
	test    callerTest
	entry   *widget.Entry
	testBtn *widget.Button
	asked   *widget.Label
	verdict *widget.Label
	matches *fyne.Container
	missed  *widget.Label
	content fyne.CanvasObject
	// openURL opens a match's link, edit a missed contact's Edit….
	openURL func(link string)
	edit    func(contactID int)
	// seq tells the answer to the newest question from older ones.
	seq int
}

// callerIntro says what the tab does and what is known of how a call
// finds a contact.
const callerIntro = "Type a number in any format: the app asks Halo's phone search for the forms a caller ID arrives in " +
	"(E.164 and national digits) and matches the numbers of the last audit. 1stream pulls Halo's contacts at its Systems Check " +
	"and refreshes its contact cache hourly (its articles do not say how it compares numbers); other CTI integrations ask " +
	"Halo's phone search on every call. A number Halo's search finds is stored in a form a caller ID matches."

// newCallerView runs run on Test (and Enter), opens a match's link with
// openURL and a missed contact's Edit… with edit.
func newCallerView(test callerTest, run func(), openURL func(string), edit func(contactID int)) *callerView {
	v := &callerView{test: test, entry: widget.NewEntry(), asked: wrapped(""), verdict: wrapped(""), matches: container.NewVBox(),
		missed: wrapped(""), openURL: openURL, edit: edit}
	v.entry.SetPlaceHolder("A caller's number in any format, e.g. 020 7946 0500 or +44 20 7946 0500")
	v.entry.OnSubmitted = func(string) { run() }
	v.testBtn = widget.NewButtonWithIcon("Test", theme.SearchIcon(), run)
	v.verdict.TextStyle.Bold = true
	v.missed.Importance = widget.WarningImportance
	v.missed.Hide()
	v.asked.Hide()
	v.content = container.NewVScroll(container.NewVBox(wrapped(callerIntro),
		container.NewBorder(nil, nil, nil, v.testBtn, v.entry), v.asked, v.verdict, v.matches, v.missed))
	return v
}

// clear forgets the shown answer and any still on its way.
func (v *callerView) clear() {
	v.seq++
	v.asked.Hide()
	v.verdict.SetText("")
	v.matches.Objects = nil
	v.matches.Refresh()
	v.missed.Hide()
}

// start looks the typed number up for p off the UI goroutine, matching
// snapshot (nil: no audit) for region; done runs on the UI goroutine
// when the answer is in.
func (v *callerView) start(u *UI, p storage.Profile, snapshot []halo.Contact, region contacts.Region, done func()) {
	number := strings.TrimSpace(v.entry.Text)
	v.clear()
	if number == "" {
		v.verdict.SetText("Type the caller's number first.")
		return
	}
	seq := v.seq
	v.verdict.SetText("Looking the number up in Halo …")
	v.testBtn.Disable()
	runAsync(u, func(ctx context.Context) (callerResult, error) {
		return v.test.lookup(ctx, p, snapshot, number, region)
	}, func(r callerResult, err error) {
		done()
		switch {
		case seq != v.seq:
		case err != nil:
			v.verdict.SetText(callerFailure(err))
		default:
			v.showResult(r)
		}
	})
}

func (v *callerView) showResult(r callerResult) {
	setOptional(v.asked, r.asked)
	v.verdict.SetText(r.verdict)
	rows := make([]fyne.CanvasObject, 0, len(r.matches))
	for _, m := range r.matches {
		link, id := m.link, m.contactID
		open := widget.NewButtonWithIcon("Open in Halo", theme.ComputerIcon(), func() { v.openURL(link) })
		open.Importance = widget.LowImportance
		buttons := container.NewHBox(open)
		label := wrapped(m.text)
		if m.missed {
			label.Importance = widget.WarningImportance
			edit := widget.NewButtonWithIcon("Edit…", theme.DocumentCreateIcon(), func() { v.edit(id) })
			buttons = container.NewHBox(edit, open)
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewVBox(buttons), label))
	}
	v.matches.Objects = rows
	setOptional(v.missed, r.missed)
	v.content.Refresh() // lines came and went: lay the tab out again
}
