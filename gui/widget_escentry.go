package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// escEntry is an Entry on which Esc runs onEsc: a focused entry receives
// the key instead of the window, so dialogs that focus one would
// otherwise ignore Esc.
type escEntry struct {
	widget.Entry
	onEsc func()
}

func newEscEntry() *escEntry {
	e := &escEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEsc != nil {
		e.onEsc()
		return
	}
	e.Entry.TypedKey(k)
}

// Compile-time check: escEntry is a Fyne widget.
var _ fyne.Widget = (*escEntry)(nil)
