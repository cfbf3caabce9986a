package gui

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// contactsTable is the Contacts screen's problems table. Its text columns
// share the width the window gives it, so at the default window size every
// column shows without scrolling sideways.
type contactsTable struct {
	widget.Table
	colW [contactsCols]float32
}

var _ fyne.Widget = (*contactsTable)(nil)

func newContactsTable() *contactsTable {
	t := &contactsTable{colW: contactsColWidths}
	t.ExtendBaseWidget(t)
	for i, w := range t.colW {
		t.SetColumnWidth(i, w)
	}
	return t
}

// Resize fits the columns to the new width before the cells are laid out.
func (t *contactsTable) Resize(size fyne.Size) {
	if w := fitContactsColumns(size.Width, theme.Padding()); w != t.colW {
		t.colW = w
		for i, cw := range w {
			t.SetColumnWidth(i, cw)
		}
	}
	t.Table.Resize(size)
}

// fitContactsColumns gives the text columns what the fixed ones (Problem,
// Open in Halo) and the separators (pad each) leave of width: from their
// smallest readable width up to what typical values need
// (contactsColWidths), in proportion; beyond that the spare width is
// shared in the same proportions. Below the minimum the table scrolls
// sideways.
func fitContactsColumns(width, pad float32) [contactsCols]float32 {
	w := contactsColWidths
	if width <= 0 {
		return w
	}
	avail := width - contactsCols*pad
	var sumMin, sumWant float32
	for c := range contactsCols {
		if contactsColMin[c] == contactsColWidths[c] {
			avail -= contactsColWidths[c]
			continue
		}
		sumMin += contactsColMin[c]
		sumWant += contactsColWidths[c]
	}
	for c := range contactsCols {
		lo, want := contactsColMin[c], contactsColWidths[c]
		if lo == want {
			continue
		}
		switch {
		case avail >= sumWant:
			w[c] = want + (avail-sumWant)*want/sumWant
		case avail > sumMin:
			w[c] = lo + (avail-sumMin)*(want-lo)/(sumWant-sumMin)
		default:
			w[c] = lo
		}
		w[c] = float32(math.Floor(float64(w[c])))
	}
	return w
}
