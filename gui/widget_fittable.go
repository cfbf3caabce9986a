package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fitTable is a table whose columns share the width the window gives it
// (shareColumns), with a bold header row of titles: the Contacts screen's
// problems and the changes of a fix or an undo. The embedding type sets
// Length, CreateCell and UpdateCell, then calls extend.
type fitTable struct {
	widget.Table
	fits []colFit
	colW []float32
}

// extend finishes t as self's base, with its header and widths. Only now,
// with every callback set: extending and sizing the table builds its
// renderer, which asks CreateCell for a template cell (without one Fyne
// logs an error for each column set).
func (t *fitTable) extend(self fyne.Widget, titles []string, fits []colFit) {
	t.fits = fits
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(titles) {
			o.(*widget.Label).SetText(titles[id.Col])
		}
	}
	t.ExtendBaseWidget(self)
	t.setWidths(0)
}

// Resize fits the columns to the new width before the cells are laid out.
func (t *fitTable) Resize(size fyne.Size) {
	t.setWidths(size.Width)
	t.Table.Resize(size)
}

// setWidths shares width among the columns (0: not laid out yet).
func (t *fitTable) setWidths(width float32) {
	w := shareColumns(width, theme.Padding(), t.fits)
	same := len(w) == len(t.colW)
	for c := range w {
		same = same && w[c] == t.colW[c]
	}
	if same {
		return
	}
	t.colW = w
	for c, cw := range w {
		t.SetColumnWidth(c, cw)
	}
}
