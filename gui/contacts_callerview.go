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

// callerView is the Test a caller tab: a number, the verdict, the
// contacts a call reaches (each with Open in Halo) and those Halo's own
// search missed.
type callerView struct {
	test    callerTest
	entry   *widget.Entry
	testBtn *widget.Button
	verdict *widget.Label
	matches *fyne.Container
	missed  *widget.Label
	content fyne.CanvasObject
	openURL func(link string)
	// seq tells the answer to the newest question from older ones.
	seq int
}

// newCallerView runs run on Test (and Enter) and opens a match's link
// with openURL.
func newCallerView(test callerTest, run func(), openURL func(string)) *callerView {
	v := &callerView{test: test, entry: widget.NewEntry(), verdict: wrapped(""), matches: container.NewVBox(),
		missed: wrapped(""), openURL: openURL}
	v.entry.SetPlaceHolder("A caller's number in any format, e.g. 020 7946 0500 or +44 20 7946 0500")
	v.entry.OnSubmitted = func(string) { run() }
	v.testBtn = widget.NewButtonWithIcon("Test", theme.SearchIcon(), run)
	v.verdict.TextStyle.Bold = true
	v.missed.Importance = widget.WarningImportance
	v.missed.Hide()
	v.content = container.NewVScroll(container.NewVBox(
		wrapped("Type a number in any format: the app asks Halo the way a phone system does (as typed, national and international) "+
			"and matches the numbers of the last audit."),
		container.NewBorder(nil, nil, nil, v.testBtn, v.entry), v.verdict, v.matches, v.missed))
	return v
}

// clear forgets the shown answer and any still on its way.
func (v *callerView) clear() {
	v.seq++
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
	v.verdict.SetText(r.verdict)
	rows := make([]fyne.CanvasObject, 0, len(r.matches))
	for _, m := range r.matches {
		link := m.link
		open := widget.NewButtonWithIcon("Open in Halo", theme.ComputerIcon(), func() { v.openURL(link) })
		open.Importance = widget.LowImportance
		label := widget.NewLabel(m.text)
		label.Truncation = fyne.TextTruncateEllipsis
		rows = append(rows, container.NewBorder(nil, nil, nil, open, label))
	}
	v.matches.Objects = rows
	v.matches.Refresh()
	setOptional(v.missed, r.missed)
}
