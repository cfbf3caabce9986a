package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

var contactsColTitles = [contactsCols]string{"Problem", "Contact", "Customer", "Site", "Numbers", "Site's number", ""}

// contactsColFits are the problems table's columns (shareColumns): what
// each needs to read and what typical values want; Problem (its longest
// name, "Halo's search misses it") and the row's buttons (Edit… and Open
// in Halo) are fixed.
var contactsColFits = [contactsCols]colFit{
	{min: 168, want: 168, fixed: true}, {min: 110, want: 170}, {min: 110, want: 190}, {min: 80, want: 120},
	{min: 140, want: 240}, {min: 100, want: 140}, {min: 196, want: 196, fixed: true},
}

// contactsTable is the Contacts screen's problems table. Its text columns
// share the width the window gives it, so at the default window size every
// column shows without scrolling sideways.
type contactsTable struct {
	fitTable
}

var _ fyne.Widget = (*contactsTable)(nil)

// newContactsTable shows the rows of the problems model (nil: none); a
// row's Edit… runs edit and its Open in Halo open, with its contact's ID.
func newContactsTable(model func() *problems, edit, open func(contactID int)) *contactsTable {
	t := &contactsTable{}
	t.Length = func() (int, int) {
		if m := model(); m != nil {
			return m.rows(), contactsCols
		}
		return 0, contactsCols
	}
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		e := widget.NewButton("Edit…", nil)
		e.Importance = widget.LowImportance
		b := widget.NewButtonWithIcon("Open in Halo", theme.ComputerIcon(), nil)
		b.Importance = widget.LowImportance
		return container.NewStack(l, container.NewHBox(e, b))
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		cell := o.(*fyne.Container)
		l, buttons := cell.Objects[0].(*widget.Label), cell.Objects[1].(*fyne.Container)
		m := model()
		if m == nil || id.Row >= m.rows() {
			return
		}
		f := m.finding(id.Row)
		show(l, id.Col != colOpen)
		show(buttons, id.Col == colOpen)
		if id.Col == colOpen {
			buttons.Objects[0].(*widget.Button).OnTapped = func() { edit(f.ContactID) }
			buttons.Objects[1].(*widget.Button).OnTapped = func() { open(f.ContactID) }
			return
		}
		l.SetText(m.cellText(f, id.Col))
	}
	t.extend(t, contactsColTitles[:], contactsColFits[:])
	return t
}
