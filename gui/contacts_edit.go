package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// Edit…: one contact's first name, surname and four numbers, read fresh
// from Halo, each number's E.164 shown as it is typed, saved through the
// journal like a fix (so Undo last fix… restores it). This is how numbers
// that do not parse and missing names get fixed without leaving the app.

// contactEdit is one contact as Halo held it when the form opened; no
// widgets.
type contactEdit struct {
	current halo.Contact
	region  string
}

// title names the contact.
func (m contactEdit) title() string {
	name := contacts.DisplayName(m.current)
	if name == "" {
		name = "(no name)"
	}
	return fmt.Sprintf("%s (#%d)", name, m.current.ID)
}

// numberNote is what the form says under a number: its E.164, or a
// warning when it does not parse for the region.
func numberNote(c contacts.NumberCheck, region string) (text string, warn bool) {
	switch {
	case c.Blank:
		return "", false
	case c.Parses:
		return "E.164: " + c.E164, false
	}
	return "Not a number for " + strings.ToUpper(region) + ": add its area code, or + and the country code.", true
}

// nameNote warns about a missing first name or surname.
func nameNote(e contacts.Edit) string {
	if strings.TrimSpace(e.FirstName) == "" || strings.TrimSpace(e.Surname) == "" {
		return "1stream's advice: give every contact a first name and a surname, so a screen pop names the caller."
	}
	return ""
}

// changes is what saving e writes.
func (m contactEdit) changes(e contacts.Edit) []contacts.Change {
	ch, _ := contacts.EditChanges(m.current, e, m.region)
	return ch
}

// confirmText is the confirmation's question: the contact, the Halo and
// the changes, one a line.
func (m contactEdit) confirmText(changes []contacts.Change, host string) string {
	lines := make([]string, len(changes))
	for i, c := range changes {
		lines[i] = fmt.Sprintf("%s: %s → %s", fieldLabel(c.Field), quoteValue(c.Old), quoteValue(c.New))
	}
	return fmt.Sprintf("Save %s of %s to Halo at %s?\n\n%s\n\nA field changed in Halo since the form opened is skipped; "+
		"Undo last fix… restores what was saved.", halo.CountOf(len(changes), "change", "changes"), m.title(), host,
		strings.Join(lines, "\n"))
}

// editDialog is the Edit… form.
type editDialog struct {
	s        *contactsScreen
	d        *dialog.CustomDialog
	model    *contactEdit // nil until the contact is read
	names    [2]*widget.Entry
	numbers  [4]*widget.Entry
	notes    [4]*widget.Label
	nameNote *widget.Label
	status   *widget.Label
	write    *writeView
	confirm  *dialog.ConfirmDialog
	saveBtn  *widget.Button
	closeBtn *widget.Button
	body     *fyne.Container
}

// numberLabels name the four numbers, in halo.NumberFields' order.
var numberLabels = [4]string{"Phone", "Home", "Mobile", "Mobile 2"}

func newEditDialog(s *contactsScreen, id int) *editDialog {
	ed := &editDialog{s: s, nameNote: wrapped(""), status: wrapped("Reading the contact from Halo …")}
	ed.nameNote.Importance = widget.WarningImportance
	form := widget.NewForm()
	for i, label := range []string{"First name", "Surname"} {
		ed.names[i] = widget.NewEntry()
		ed.names[i].OnChanged = func(string) { ed.check() }
		form.Append(label, ed.names[i])
	}
	for i := range ed.numbers {
		ed.numbers[i] = widget.NewEntry()
		ed.numbers[i].OnChanged = func(string) { ed.check() }
		ed.notes[i] = widget.NewLabel("")
		ed.notes[i].Truncation = fyne.TextTruncateEllipsis
		form.Append(numberLabels[i], container.NewVBox(ed.numbers[i], ed.notes[i]))
	}
	ed.write = newWriteView(func(step string) { ed.close(); s.u.goToStep(step) }, func() { ed.body.Refresh() })
	ed.saveBtn = widget.NewButtonWithIcon("Save to Halo…", theme.DocumentSaveIcon(), ed.askConfirm)
	ed.saveBtn.Importance = widget.HighImportance
	ed.closeBtn = widget.NewButtonWithIcon("Close", theme.CancelIcon(), ed.close)
	ed.body = container.NewVBox(ed.status, ed.nameNote, form, ed.write.box)
	ed.d = dialog.NewCustomWithoutButtons(fmt.Sprintf("Edit contact #%d", id), container.NewVScroll(ed.body), s.u.win)
	ed.d.SetButtons([]fyne.CanvasObject{ed.closeBtn, ed.saveBtn})
	ed.d.Resize(fyne.NewSize(660, 640))
	ed.setEditable(false)
	return ed
}

func (ed *editDialog) setEditable(on bool) {
	for _, e := range append(ed.names[:], ed.numbers[:]...) {
		if on {
			e.Enable()
		} else {
			e.Disable()
		}
	}
	enable(ed.saveBtn, on)
}

// show opens the form and reads contact id from Halo.
func (ed *editDialog) show(id int, region string) {
	ed.d.Show()
	ed.s.u.escapable(ed.close)
	p := *ed.s.profile
	runAsync(ed.s.u, func(ctx context.Context) (halo.Contact, error) {
		c, ok, err := ed.s.writes.writer.contact(ctx, p, id)
		if err == nil && !ok {
			err = fmt.Errorf("Halo has no contact #%d any more (deleted since the audit?)", id)
		}
		return c, err
	}, func(c halo.Contact, err error) {
		if err != nil {
			text, _ := contactsFailure(err, "read of the contact")
			ed.status.SetText(text)
			ed.body.Refresh()
			return
		}
		ed.fill(contactEdit{current: c, region: region})
	})
}

// fill shows the contact as read.
func (ed *editDialog) fill(m contactEdit) {
	ed.model = &m
	e := contacts.EditOf(m.current)
	ed.names[0].SetText(e.FirstName)
	ed.names[1].SetText(e.Surname)
	for i, n := range e.Numbers {
		ed.numbers[i].SetText(n)
	}
	ed.status.SetText(m.title() + " as Halo holds it now. Each number's E.164 (the form a caller ID carries) shows as you type.")
	ed.setEditable(true)
	ed.check()
	ed.body.Refresh()
}

// edit is what the form holds.
func (ed *editDialog) edit() contacts.Edit {
	e := contacts.Edit{FirstName: ed.names[0].Text, Surname: ed.names[1].Text}
	for i, n := range ed.numbers {
		e.Numbers[i] = n.Text
	}
	return e
}

// check shows each number's E.164 or a warning, live.
func (ed *editDialog) check() {
	if ed.model == nil {
		return
	}
	e := ed.edit()
	for i, c := range contacts.CheckNumbers(e, ed.model.region) {
		text, warn := numberNote(c, ed.model.region)
		ed.notes[i].Importance = widget.MediumImportance
		if warn {
			ed.notes[i].Importance = widget.WarningImportance
		}
		if text != ed.notes[i].Text || ed.notes[i].Visible() != (text != "") {
			setOptional(ed.notes[i], text)
			ed.body.Refresh()
		}
	}
	if text := nameNote(e); text != ed.nameNote.Text || ed.nameNote.Visible() != (text != "") {
		setOptional(ed.nameNote, text)
		ed.body.Refresh()
	}
	n := len(ed.model.changes(e))
	ed.saveBtn.SetText("Save to Halo…")
	if n > 0 {
		ed.saveBtn.SetText("Save " + halo.CountOf(n, "change", "changes") + " to Halo…")
	}
	enable(ed.saveBtn, n > 0 && !ed.write.running())
}

func (ed *editDialog) close() {
	if ed.write.running() {
		return
	}
	ed.d.Hide()
}

func (ed *editDialog) askConfirm() {
	if ed.model == nil || ed.write.running() {
		return
	}
	changes := ed.model.changes(ed.edit())
	if len(changes) == 0 {
		return
	}
	ed.confirm = ed.s.askWrite("Save to Halo?", "Save", func(host string) string { return ed.model.confirmText(changes, host) },
		func() { ed.save(changes) })
}

// save writes the confirmed changes as an edit run: Halo is read once
// more right before, so a field changed since the form opened is skipped.
func (ed *editDialog) save(changes []contacts.Change) {
	p := *ed.s.profile
	job := writeJob{kind: storage.FixKindEdit, format: p.FixFormat, region: ed.model.region, changes: changes, seen: len(changes)}
	ed.setEditable(false)
	ed.closeBtn.Disable()
	runWrite(ed.s.u, ed.write, func(ctx context.Context, report func(func(*storage.FixProgress))) (storage.FixResult, error) {
		return ed.s.writes.writer.write(ctx, p, job, report)
	}, func(res storage.FixResult, err error) {
		ed.closeBtn.Enable()
		o := newWriteOutcome(res, err, "saved")
		if res.Run.Written > 0 {
			o.text += " Audit again (F5) to see the problems without it."
		}
		ed.write.finish(o)
		ed.s.written(res.Run, nil)
	})
}
