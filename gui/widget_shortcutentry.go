package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// shortcutEntry is a search box that passes Ctrl+M, and undo and redo of
// the mappings, on to the screen: an entry with focus receives every
// shortcut and would swallow them.
type shortcutEntry struct {
	widget.Entry
	bindings func() []binding // the screen's
}

func newShortcutEntry(bindings func() []binding) *shortcutEntry {
	e := &shortcutEntry{bindings: bindings}
	e.ExtendBaseWidget(e)
	return e
}

func (e *shortcutEntry) TypedShortcut(sc fyne.Shortcut) {
	match := shortcutMatch(sc)
	for _, b := range e.bindings() {
		if match(b) {
			b.run()
			return
		}
	}
	e.Entry.TypedShortcut(sc)
}

// Compile-time check: shortcutEntry is a Fyne widget.
var _ fyne.Widget = (*shortcutEntry)(nil)
