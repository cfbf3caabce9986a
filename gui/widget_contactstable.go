package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

var contactsColTitles = [contactsCols]string{"Problem", "Contact", "Customer", "Site", "Numbers", "Site's number", ""}

// contactsColFits are the problems table's columns (shareColumns): what
// each needs to read and what typical values want; Problem and Open in
// Halo are fixed.
var contactsColFits = [contactsCols]colFit{
	{min: 130, want: 130, fixed: true}, {min: 120, want: 170}, {min: 140, want: 190}, {min: 90, want: 120},
	{min: 160, want: 240}, {min: 120, want: 140}, {min: 124, want: 124, fixed: true},
}

// contactsTable is the Contacts screen's problems table. Its text columns
// share the width the window gives it, so at the default window size every
// column shows without scrolling sideways.
type contactsTable struct {
	widget.Table
	colW [contactsCols]float32
}

var _ fyne.Widget = (*contactsTable)(nil)

// newContactsTable shows the rows of the problems model (nil: none); a
// row's Open in Halo runs open with its contact's ID.
func newContactsTable(model func() *problems, open func(contactID int)) *contactsTable {
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
		b := widget.NewButtonWithIcon("Open in Halo", theme.ComputerIcon(), nil)
		b.Importance = widget.LowImportance
		return container.NewStack(l, b)
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		cell := o.(*fyne.Container)
		l, b := cell.Objects[0].(*widget.Label), cell.Objects[1].(*widget.Button)
		m := model()
		if m == nil || id.Row >= m.rows() {
			return
		}
		f := m.finding(id.Row)
		show(l, id.Col != colOpen)
		show(b, id.Col == colOpen)
		if id.Col == colOpen {
			b.OnTapped = func() { open(f.ContactID) }
			return
		}
		l.SetText(m.cellText(f, id.Col))
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
	// Only now, with every callback set: extending and sizing the table
	// builds its renderer, which asks CreateCell for a template cell
	// (without one Fyne logs an error for each column set).
	t.ExtendBaseWidget(t)
	t.setWidths(0)
	return t
}

// Resize fits the columns to the new width before the cells are laid out.
func (t *contactsTable) Resize(size fyne.Size) {
	t.setWidths(size.Width)
	t.Table.Resize(size)
}

// setWidths shares width among the columns (0: not laid out yet).
func (t *contactsTable) setWidths(width float32) {
	var w [contactsCols]float32
	copy(w[:], shareColumns(width, theme.Padding(), contactsColFits[:]))
	if w == t.colW {
		return
	}
	t.colW = w
	for c, cw := range w {
		t.SetColumnWidth(c, cw)
	}
}
