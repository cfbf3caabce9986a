package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	fitTable
}

var _ fyne.Widget = (*changesTable)(nil)

// newChangesTable shows the list list gives (nil: none); changed runs
// after a row's check changes. Without checks (optional false) the check
// column takes no room.
func newChangesTable(list func() *changeList, titles [changeCols]string, optional bool, changed func()) *changesTable {
	t := &changesTable{}
	fits := changesColFits
	if !optional {
		fits[chColInclude] = colFit{fixed: true}
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
			changed()
		}
	}
	t.extend(t, titles[:], fits[:])
	return t
}

// fixColTitles and undoColTitles name the columns of a fix's preview and
// an undo's.
var (
	fixColTitles  = [changeCols]string{"", "Contact", "Customer", "Field", "Old", "New"}
	undoColTitles = [changeCols]string{"", "Contact", "Customer", "Field", "In Halo now", "Restored"}
)
