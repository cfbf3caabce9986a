package gui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/halo-assistant/halo-assistant/storage"
)

// show switches screens, respecting unsaved changes on the current one.
func (u *UI) show(i int) { u.showThen(i, nil) }

// showThen is show, then (when set) runs once the screen is shown — not
// when the admin cancels leaving the current one.
func (u *UI) showThen(i int, then func()) {
	if i < 0 || i >= len(u.screens) {
		return
	}
	if _, ok := u.screens[u.active].(leaver); ok {
		u.nav.Select(u.active) // stays until the screen agrees
	}
	u.leaveThen(func() {
		u.showNow(i)
		if then != nil {
			then()
		}
	})
}

// leaveThen runs f once the active screen agrees to be left: at once when
// it has nothing unsaved, else after its Save/Discard question. Everything
// that leaves the screen (switching, New profile, Quit, closing the window)
// goes through it.
func (u *UI) leaveThen(f func()) {
	if l, ok := u.screens[u.active].(leaver); ok {
		l.beforeLeave(f)
		return
	}
	f()
}

func (u *UI) showNow(i int) {
	u.active = i
	// The focus would otherwise stay in an entry of the hidden screen and
	// keep receiving what the admin types. The navigation list keeps it:
	// it is how the keyboard picks screens.
	if c := u.win.Canvas(); c.Focused() != fyne.Focusable(u.nav) {
		c.Unfocus()
	}
	u.body.Objects = []fyne.CanvasObject{u.screens[i].content()}
	u.body.Refresh()
	u.nav.Select(i)
}

// newProfile shows the Profiles screen with the New profile dialog, after
// the active screen agreed to be left (File › New profile, Ctrl+N).
func (u *UI) newProfile() {
	if u.dialogShown() {
		return
	}
	u.leaveThen(func() { u.showNow(0); u.profiles.newProfile() })
}

// requestQuit quits once unsaved changes are saved or discarded (Ctrl+Q,
// File › Quit, the window's close button).
func (u *UI) requestQuit() {
	u.leaveThen(func() {
		// A Client Secret copied moments ago does not stay behind on the
		// clipboard for the 30 s the app would have waited.
		if c := findScreen[*connectionScreen](u); c != nil {
			c.clearClipboard(c.clipSeq)
		}
		u.quit()
	})
}

// dialogShown reports whether a dialog (or any other overlay) covers the
// window: window shortcuts must then not act on the screen behind it.
func (u *UI) dialogShown() bool {
	return u.win.Canvas().Overlays().Top() != nil
}

// showScreen switches to the screen of the given type, if it is listed.
func (u *UI) showScreen(match func(screen) bool) { u.showScreenThen(match, nil) }

// showScreenThen is showScreen, then runs then once the screen is shown.
func (u *UI) showScreenThen(match func(screen) bool, then func()) {
	for i, s := range u.screens {
		if match(s) {
			u.showThen(i, then)
			return
		}
	}
}

// Shortcuts that must work while a text field has the focus are menu
// shortcuts: the driver offers a key combination to the main menu first,
// and to the canvas only when the focused widget does not take shortcuts
// (an Entry takes them all).
var (
	quitShortcut       = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	newProfileShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	checkShortcut      = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	screenKeys         = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
)

func screenShortcut(i int) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: screenKeys[i], Modifier: fyne.KeyModifierAlt}
}

func (u *UI) mainMenu() *fyne.MainMenu {
	quit := &fyne.MenuItem{Label: "Quit", Shortcut: quitShortcut, Action: u.requestQuit}
	// Labelled and marked as the quit item so the driver does not add a
	// second one that would skip the unsaved-changes question.
	quit.IsQuit = true
	file := fyne.NewMenu("File",
		&fyne.MenuItem{Label: "New profile…", Shortcut: newProfileShortcut, Action: u.newProfile},
		fyne.NewMenuItemSeparator(),
		quit,
	)
	goMenu := fyne.NewMenu("Go")
	for i, s := range u.screens {
		if i >= len(screenKeys) {
			break
		}
		goMenu.Items = append(goMenu.Items, &fyne.MenuItem{Label: s.title(), Shortcut: screenShortcut(i),
			Action: func() { u.goTo(i) }})
	}
	check := fyne.NewMenu("Check",
		&fyne.MenuItem{Label: "Run systems check", Shortcut: checkShortcut, Action: u.checkShortcut},
	)
	return fyne.NewMainMenu(file, goMenu, check)
}

// goTo is Alt+1…: the screen by its place in the navigation.
func (u *UI) goTo(i int) {
	if u.dialogShown() || i >= len(u.screens) {
		return
	}
	u.show(i)
}

// checkShortcut is Ctrl+R: it runs the check, or re-runs it while the
// check dialog is the dialog on top; behind any other dialog it does
// nothing.
func (u *UI) checkShortcut() {
	if top := u.win.Canvas().Overlays().Top(); top != nil {
		s := findScreen[*checkScreen](u)
		if s == nil || s.dlg == nil || !s.dlg.visible || s.dlg.overlay != top {
			return
		}
	}
	u.runSystemsCheck()
}

// checkFinished tells every screen that wants to know that a check of the
// profile was stored (checklist verifications, history, mapping data).
func (u *UI) checkFinished(profileID int64) {
	for _, s := range u.screens {
		if n, ok := s.(interface{ checkFinished(int64) }); ok {
			n.checkFinished(profileID)
		}
	}
}

// goToStep shows the checklist with the step highlighted.
func (u *UI) goToStep(step string) {
	c := findScreen[*checklistScreen](u)
	if c == nil {
		return
	}
	// Revealed only once the screen is shown: with unsaved changes on the
	// current one that waits for the admin's answer, and Cancel stays.
	u.showScreenThen(func(s screen) bool { return s == screen(c) }, func() { c.reveal(step) })
}

func findScreen[T screen](u *UI) T {
	for _, s := range u.screens {
		if t, ok := s.(T); ok {
			return t
		}
	}
	var zero T
	return zero
}

// Esc closes the top dialog. Dialogs registered with escapable close
// through their own dismiss function (so callbacks run and checks are
// cancelled); any other overlay is simply hidden.

// escapeStack holds the dismiss functions of the dialogs on screen, by
// overlay.
type escapeStack struct {
	mu        sync.Mutex
	byOverlay map[fyne.CanvasObject]func()
}

// push registers dismiss for top, forgetting overlays no longer live.
func (e *escapeStack) push(top fyne.CanvasObject, live []fyne.CanvasObject, dismiss func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byOverlay == nil {
		e.byOverlay = map[fyne.CanvasObject]func(){}
	}
	shown := map[fyne.CanvasObject]bool{}
	for _, o := range live {
		shown[o] = true
	}
	for o := range e.byOverlay {
		if !shown[o] {
			delete(e.byOverlay, o)
		}
	}
	e.byOverlay[top] = dismiss
}

// pop removes and returns top's dismiss function (nil: none registered).
func (e *escapeStack) pop(top fyne.CanvasObject) func() {
	e.mu.Lock()
	defer e.mu.Unlock()
	fn := e.byOverlay[top]
	delete(e.byOverlay, top)
	return fn
}

// escapable registers dismiss for the dialog just shown (the top overlay).
func (u *UI) escapable(dismiss func()) {
	ov := u.win.Canvas().Overlays()
	if top := ov.Top(); top != nil {
		u.escapes.push(top, ov.List(), dismiss)
	}
}

func (u *UI) escape() {
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return
	}
	if fn := u.escapes.pop(top); fn != nil {
		fn()
		return
	}
	top.Hide()
}

// profileSaved re-reads the profiles after a connection was saved, so every
// screen (and the profile list) sees the new values.
func (u *UI) profileSaved(storage.Profile) {
	u.profiles.reload(false)
}

// binding is a key or shortcut a screen acts on while it is shown and no
// dialog covers it.
type binding struct {
	shortcut fyne.Shortcut // nil: key
	key      fyne.KeyName
	run      func()
}

// keyed is implemented by screens with keys and shortcuts of their own.
type keyed interface {
	bindings() []binding
}

// activeBinding runs the shown screen's binding that match picks, unless
// a dialog covers the screen.
func (u *UI) activeBinding(match func(binding) bool) {
	if u.dialogShown() {
		return
	}
	k, ok := u.screens[u.active].(keyed)
	if !ok {
		return
	}
	for _, b := range k.bindings() {
		if match(b) {
			b.run()
			return
		}
	}
}

// shortcutMatch picks the binding of sc.
func shortcutMatch(sc fyne.Shortcut) func(binding) bool {
	name := sc.ShortcutName()
	return func(b binding) bool { return b.shortcut != nil && b.shortcut.ShortcutName() == name }
}

func (u *UI) addShortcuts() {
	// The menu has these too; the canvas copies serve drivers without a
	// main menu (and tests, which type shortcuts into the canvas).
	c := u.win.Canvas()
	c.AddShortcut(quitShortcut, func(fyne.Shortcut) { u.requestQuit() })
	c.AddShortcut(newProfileShortcut, func(fyne.Shortcut) { u.newProfile() })
	c.AddShortcut(checkShortcut, func(fyne.Shortcut) { u.checkShortcut() })
	// Esc closes the top dialog; every other key acts on the screen only
	// while no dialog covers it.
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			u.escape()
			return
		}
		u.activeBinding(func(b binding) bool { return b.shortcut == nil && b.key == ev.Name })
	})
	// The screens' own shortcuts act only on the screen shown; a canvas
	// holds one handler per shortcut, which asks the shown screen.
	added := map[string]bool{}
	for _, s := range u.screens {
		k, ok := s.(keyed)
		if !ok {
			continue
		}
		for _, b := range k.bindings() {
			if b.shortcut == nil || added[b.shortcut.ShortcutName()] {
				continue
			}
			added[b.shortcut.ShortcutName()] = true
			c.AddShortcut(b.shortcut, func(sc fyne.Shortcut) { u.activeBinding(shortcutMatch(sc)) })
		}
	}
	for i := range screenKeys {
		c.AddShortcut(screenShortcut(i), func(fyne.Shortcut) { u.goTo(i) })
	}
}
