package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// changesColFits are the changes table's columns (shareColumns): the
// check is fixed, the text columns share the rest.
var changesColFits = [changeCols]colFit{
	{min: 36, want: 36, fixed: true}, {min: 120, want: 180}, {min: 110, want: 170}, {min: 70, want: 80},
	{min: 150, want: 200}, {min: 150, want: 200},
}

// changesTable lists a preview's changes (changeList): a check per row
// when the admin may leave changes out, then Contact, Customer, Field,
// Old and New. titles names the columns (an undo's Old is what Halo holds
// now).
type changesTable struct {
	widget.Table
	fits    [changeCols]colFit
	colW    [changeCols]float32
	changed func() // a row's check changed
}

var _ fyne.Widget = (*changesTable)(nil)

// newChangesTable shows the list list gives (nil: none); changed runs
// after a row's check changes. Without checks (optional false) the check
// column takes no room.
func newChangesTable(list func() *changeList, titles [changeCols]string, optional bool, changed func()) *changesTable {
	t := &changesTable{changed: changed, fits: changesColFits}
	if !optional {
		t.fits[chColInclude] = colFit{fixed: true}
	}
	t.Length = func() (int, int) {
		if l := list(); l != nil {
			return l.rows(), changeCols
		}
		return 0, changeCols
	}
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return container.NewStack(l, widget.NewCheck("", nil))
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		cell := o.(*fyne.Container)
		l, check := cell.Objects[0].(*widget.Label), cell.Objects[1].(*widget.Check)
		cl := list()
		if cl == nil || id.Row >= cl.rows() {
			return
		}
		onCheck := id.Col == chColInclude
		show(l, !onCheck)
		show(check, onCheck && cl.optional)
		if !onCheck {
			l.SetText(cl.cellText(id.Row, id.Col))
			return
		}
		row := id.Row
		check.OnChanged = nil // setting the state is not a change
		check.SetChecked(cl.included(row))
		check.OnChanged = func(on bool) {
			cl.setIncluded(row, on)
			t.changed()
		}
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < changeCols {
			o.(*widget.Label).SetText(titles[id.Col])
		}
	}
	// With every callback set (see newContactsTable).
	t.ExtendBaseWidget(t)
	t.setWidths(0)
	return t
}

// Resize fits the columns to the new width before the cells are laid out.
func (t *changesTable) Resize(size fyne.Size) {
	t.setWidths(size.Width)
	t.Table.Resize(size)
}

func (t *changesTable) setWidths(width float32) {
	var w [changeCols]float32
	copy(w[:], shareColumns(width, theme.Padding(), t.fits[:]))
	if w == t.colW {
		return
	}
	t.colW = w
	for c, cw := range w {
		t.SetColumnWidth(c, cw)
	}
}

// fixColTitles and undoColTitles name the columns of a fix's preview and
// an undo's.
var (
	fixColTitles  = [changeCols]string{"", "Contact", "Customer", "Field", "Old", "New"}
	undoColTitles = [changeCols]string{"", "Contact", "Customer", "Field", "In Halo now", "Restored"}
)
