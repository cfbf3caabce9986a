package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
)

// keyedScreen is a screen with bindings of its own, counting their runs.
type keyedScreen struct {
	name  string
	runs  map[string]int
	label *widget.Label
}

var keyedShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault}

func (s *keyedScreen) title() string                   { return s.name }
func (s *keyedScreen) icon() fyne.Resource             { return nil }
func (s *keyedScreen) content() fyne.CanvasObject      { return s.label }
func (s *keyedScreen) profileChanged(*storage.Profile) {}
func (s *keyedScreen) bindings() []binding {
	return []binding{
		{shortcut: keyedShortcut, run: func() { s.runs["ctrl+k"]++ }},
		{shortcut: &fyne.ShortcutUndo{}, run: func() { s.runs["undo"]++ }},
		{key: fyne.KeyF5, run: func() { s.runs["f5"]++ }},
	}
}

// TestScreenBindingsActOnlyOnTheShownScreen: a screen declares its keys
// (bindings); the UI routes them to the screen shown, so two screens can
// bind the same shortcut, and neither hears it while the other is shown or
// behind a dialog.
func TestScreenBindingsActOnlyOnTheShownScreen(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("nav")
	t.Cleanup(w.Close)
	one := &keyedScreen{name: "One", runs: map[string]int{}, label: widget.NewLabel("one")}
	two := &keyedScreen{name: "Two", runs: map[string]int{}, label: widget.NewLabel("two")}
	u := &UI{app: a, win: w, env: &Env{}, screens: []screen{one, two}}
	u.build()
	c := w.Canvas()
	sc := c.(fyne.Shortcutable)

	sc.TypedShortcut(keyedShortcut)
	sc.TypedShortcut(&fyne.ShortcutUndo{})
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF5})
	if one.runs["ctrl+k"] != 1 || one.runs["undo"] != 1 || one.runs["f5"] != 1 || len(two.runs) != 0 {
		t.Fatalf("with One shown: one %v, two %v", one.runs, two.runs)
	}

	u.showNow(1)
	sc.TypedShortcut(keyedShortcut)
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF5})
	if one.runs["ctrl+k"] != 1 || two.runs["ctrl+k"] != 1 || two.runs["f5"] != 1 {
		t.Fatalf("with Two shown: one %v, two %v", one.runs, two.runs)
	}

	// Behind a dialog nothing runs; Esc closes it through its dismiss.
	closed := 0
	c.Overlays().Add(widget.NewModalPopUp(widget.NewLabel("dialog"), c))
	u.escapable(func() { closed++; c.Overlays().Top().Hide(); c.Overlays().Remove(c.Overlays().Top()) })
	sc.TypedShortcut(keyedShortcut)
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF5})
	if two.runs["ctrl+k"] != 1 || two.runs["f5"] != 1 {
		t.Fatalf("behind a dialog: two %v", two.runs)
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if closed != 1 || c.Overlays().Top() != nil {
		t.Fatalf("Esc: dismissed %d times, top %v", closed, c.Overlays().Top())
	}
}

// TestEscapeDismissIsPerWindow: two windows' dialogs keep their own
// dismiss functions.
func TestEscapeDismissIsPerWindow(t *testing.T) {
	a := test.NewTempApp(t)
	var us []*UI
	for range 2 {
		w := a.NewWindow("w")
		t.Cleanup(w.Close)
		u := &UI{app: a, win: w, env: &Env{}, screens: []screen{&keyedScreen{name: "S", runs: map[string]int{}, label: widget.NewLabel("s")}}}
		u.build()
		us = append(us, u)
	}
	dismissed := [2]int{}
	for i, u := range us {
		c := u.win.Canvas()
		c.Overlays().Add(widget.NewModalPopUp(widget.NewLabel("dialog"), c))
		u.escapable(func() { dismissed[i]++ })
	}
	us[1].escape()
	if dismissed != [2]int{0, 1} || len(us[0].escapes.byOverlay) != 1 || len(us[1].escapes.byOverlay) != 0 {
		t.Fatalf("dismissed %v; escapes %d and %d", dismissed, len(us[0].escapes.byOverlay), len(us[1].escapes.byOverlay))
	}
}
