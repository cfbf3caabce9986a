package gui

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// interceptWindow records the window's close intercept, which Fyne's test
// window keeps to itself, so a test can press the close button.
type interceptWindow struct {
	fyne.Window
	onClose func()
}

func (w *interceptWindow) SetCloseIntercept(f func()) {
	w.onClose = f
	w.Window.SetCloseIntercept(f)
}

// quits counts the UI's quit requests that got through.
func quits(te *testEnv) *int {
	n := 0
	te.u.quit = func() { n++ }
	return &n
}

// menuItem finds the main-menu item with the given shortcut.
func menuItem(t *testing.T, te *testEnv, sc fyne.Shortcut) *fyne.MenuItem {
	t.Helper()
	for _, m := range te.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() {
				return it
			}
		}
	}
	t.Fatalf("no menu item has the shortcut %s", sc.ShortcutName())
	return nil
}

func TestSwitchingScreensDropsTheFocus(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(2), &snap)
	c := e.win.Canvas()
	c.Focus(e.s.userSearch)
	if c.Focused() == nil {
		t.Fatal("the search box did not take the focus")
	}
	e.shortcut(screenShortcut(0))
	if e.u.active != 0 {
		t.Fatalf("Alt+1 showed screen %d", e.u.active)
	}
	if c.Focused() != nil {
		t.Fatalf("the hidden mapping screen keeps the focus (%T): typing would go there", c.Focused())
	}
}

func TestLeavingWithUnsavedConnectionAsksFirst(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	n := quits(te)
	c := connectionFor(t, te)
	connIdx := te.u.active
	test.Type(c.urlEntry, "contoso.halopsa.com")
	sc := te.win.Canvas().(fyne.Shortcutable)
	te.u.profiles.dlg = nil // the dialog that created the profile

	// Ctrl+N asks before leaving; Cancel stays with the edits.
	sc.TypedShortcut(newProfileShortcut)
	if c.leaveDlg == nil || te.u.active != connIdx || te.u.profiles.dlg != nil {
		t.Fatal("Ctrl+N must ask about the unsaved connection before leaving")
	}
	test.Tap(c.leaveDlg.cancel)
	// So does File › New profile.
	c.leaveDlg = nil
	menuItem(t, te, newProfileShortcut).Action()
	if c.leaveDlg == nil || te.u.active != connIdx {
		t.Fatal("File › New profile must ask before leaving")
	}
	test.Tap(c.leaveDlg.cancel)

	// Ctrl+Q and File › Quit ask too; Cancel does not quit.
	c.leaveDlg = nil
	sc.TypedShortcut(quitShortcut)
	if c.leaveDlg == nil || *n != 0 {
		t.Fatal("Ctrl+Q must ask about the unsaved connection")
	}
	test.Tap(c.leaveDlg.cancel)
	if *n != 0 || c.urlEntry.Text != "contoso.halopsa.com" {
		t.Fatal("Cancel must neither quit nor drop the edits")
	}
	quit := menuItem(t, te, quitShortcut)
	if !quit.IsQuit {
		t.Fatal("File › Quit must be the menu's quit item, or the driver adds one that skips the question")
	}
	c.leaveDlg = nil
	quit.Action()
	if c.leaveDlg == nil || *n != 0 {
		t.Fatal("File › Quit must ask about the unsaved connection")
	}
	// Discard quits.
	test.Tap(c.leaveDlg.no)
	if *n != 1 {
		t.Fatalf("Discard must quit (quit %d times)", *n)
	}

	// Ctrl+N with Discard goes on to the New profile dialog.
	test.Type(c.urlEntry, "x")
	sc.TypedShortcut(newProfileShortcut)
	test.Tap(c.leaveDlg.no)
	if te.u.active != 0 || te.u.profiles.dlg == nil || te.win.Canvas().Overlays().Top() == nil {
		t.Fatal("after Discard, Ctrl+N must show the New profile dialog on the Profiles screen")
	}
}

func TestQuitWithoutUnsavedChangesIsImmediate(t *testing.T) {
	te := newTestUI(t, "")
	n := quits(te)
	te.win.Canvas().(fyne.Shortcutable).TypedShortcut(quitShortcut)
	if *n != 1 || te.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Ctrl+Q without unsaved changes must quit at once, asking nothing")
	}
}

// The exit never waits on a stuck closer (the demo server waits for its
// requests to finish): Close gives up on it after closeWait.
func TestCloseDoesNotHangOnAStuckCloser(t *testing.T) {
	te := newTestUI(t, "")
	defer func(d time.Duration) { closeWait = d }(closeWait)
	closeWait = 50 * time.Millisecond
	stuck := make(chan struct{})
	defer close(stuck)
	var ran atomic.Bool
	te.u.env.closers = append([]func(){func() { ran.Store(true) }}, append(te.u.env.closers, func() { <-stuck })...)
	done := make(chan struct{})
	go func() { te.u.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for a closer that never returns")
	}
	if !ran.Load() {
		t.Fatal("the closers before the stuck one did not run")
	}
}

func TestClosingTheWindowAsksAboutUnsavedChanges(t *testing.T) {
	var w *interceptWindow
	te := newTestUIWindow(t, "", func(base fyne.Window) fyne.Window {
		w = &interceptWindow{Window: base}
		return w
	})
	createProfileByTyping(t, te, "Contoso MSP")
	n := quits(te)
	if w.onClose == nil {
		t.Fatal("the window has no close intercept: closing it drops unsaved edits")
	}
	c := connectionFor(t, te)
	test.Type(c.clientID, "typed but not saved")
	w.onClose()
	if c.leaveDlg == nil || te.win.Canvas().Overlays().Top() == nil || *n != 0 {
		t.Fatal("closing the window must ask about the unsaved connection first")
	}
	test.Tap(c.leaveDlg.no)
	if *n != 1 {
		t.Fatal("Discard must then close the app")
	}
}

func TestShortcutsDoNothingBehindADialog(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(2), &snap)
	s := e.s
	u1 := e.userID(t, "101")
	s.assign(u1, 1)
	e.wait()
	s.model.sel.user = u1
	s.updateButtons()

	test.Tap(s.delUserBtn) // "Delete user?" is now the top overlay
	c := e.win.Canvas()
	if c.Overlays().Top() == nil {
		t.Fatal("no confirmation shown")
	}
	sc := c.(fyne.Shortcutable)
	sc.TypedShortcut(&fyne.ShortcutUndo{})
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyDelete})
	sc.TypedShortcut(mapShortcut)
	sc.TypedShortcut(screenShortcut(0))
	menuItem(t, e.testEnv, screenShortcut(1)).Action()
	sc.TypedShortcut(newProfileShortcut)
	sc.TypedShortcut(checkShortcut)
	menuItem(t, e.testEnv, checkShortcut).Action()
	e.wait()
	if ms := e.mappings(t); ms[u1].AgentID != 1 {
		t.Fatalf("a shortcut behind the dialog changed the mappings: %+v", ms)
	}
	if !isShown[*mappingScreen](e.u) || e.u.profiles.dlg != nil {
		t.Fatal("a shortcut behind the dialog switched screens or opened another dialog")
	}
	if cs := findScreen[*checkScreen](e.u); cs.dlg != nil {
		t.Fatal("Ctrl+R behind another dialog started a check")
	}
	if len(c.Overlays().List()) != 1 {
		t.Fatalf("%d overlays: a shortcut opened something behind or over the dialog", len(c.Overlays().List()))
	}
	// Esc still closes it, and then the shortcuts work again.
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Overlays().Top() != nil {
		t.Fatal("Esc must close the dialog")
	}
	sc.TypedShortcut(&fyne.ShortcutUndo{})
	e.wait()
	if ms := e.mappings(t); len(ms) != 0 {
		t.Fatalf("Ctrl+Z without a dialog must undo: %+v", ms)
	}
}

func TestCtrlRReRunsOnlyWhenTheCheckDialogIsOnTop(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	c := ce.win.Canvas()
	menuItem(t, ce.testEnv, checkShortcut).Action() // the menu path, as the driver takes it
	ce.wait()
	cs := findScreen[*checkScreen](ce.u)
	if cs.dlg == nil || cs.dlg.report == nil {
		t.Fatal("Ctrl+R did not run the check")
	}
	first := cs.dlg.report
	menuItem(t, ce.testEnv, checkShortcut).Action()
	ce.wait()
	if cs.dlg.report == first {
		t.Fatal("Ctrl+R with the check dialog on top must re-run it")
	}
	// A dialog over the check dialog (Save report) blocks the re-run.
	second := cs.dlg.report
	cs.dlg.askSave()
	if c.Overlays().Top() == cs.dlg.overlay {
		t.Fatal("the save dialog did not open over the check dialog")
	}
	menuItem(t, ce.testEnv, checkShortcut).Action()
	ce.wait()
	if cs.dlg.report != second {
		t.Fatal("Ctrl+R behind the save dialog re-ran the check")
	}
}

func TestMenuHasScreenShortcuts(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	// Menu shortcuts reach the app even while a text field has the focus
	// (the driver offers them to the main menu first).
	for i := range te.u.screens {
		it := menuItem(t, te, screenShortcut(i))
		if it.Label != te.u.screens[i].title() {
			t.Errorf("Alt+%d is %q, want %q", i+1, it.Label, te.u.screens[i].title())
		}
		it.Action()
		if te.u.active != i {
			t.Errorf("Go › %s showed screen %d", it.Label, te.u.active)
		}
	}
}

func TestAskingToQuitAgainShowsOneQuestion(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	n := quits(te)
	c := connectionFor(t, te)
	test.Type(c.urlEntry, "contoso.halopsa.com")
	te.u.profiles.dlg = nil
	ov := te.win.Canvas().Overlays()

	// Ctrl+Q, then the window's close button: one question.
	te.win.Canvas().(fyne.Shortcutable).TypedShortcut(quitShortcut)
	first := c.leaveDlg
	menuItem(t, te, quitShortcut).Action()
	if len(ov.List()) != 1 || c.leaveDlg != first {
		t.Fatalf("%d overlays after asking twice", len(ov.List()))
	}
	// Its answer runs once, for the newest request.
	test.Tap(c.leaveDlg.no)
	if *n != 1 || ov.Top() != nil {
		t.Fatalf("Discard quit %d times", *n)
	}

	// "Save before the check?" on screen, then Ctrl+Q: the quit question
	// replaces it instead of stacking on it.
	test.Type(c.urlEntry, "x")
	te.u.runSystemsCheck()
	if c.askDlg == nil || len(ov.List()) != 1 {
		t.Fatal("no save-before-check question")
	}
	te.u.requestQuit()
	if len(ov.List()) != 1 || c.unsaved != c.leaveDlg || c.leaveDlg.title != "Unsaved changes" {
		t.Fatalf("%d overlays: the questions stacked", len(ov.List()))
	}
	test.Tap(c.leaveDlg.cancel)
	if ov.Top() != nil || *n != 1 {
		t.Fatal("Cancel must close the question and stay")
	}
}

func TestTheNavigationListKeepsTheKeyboardFocus(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	te.u.show(0)
	c := te.win.Canvas()
	c.Focus(te.u.nav)
	te.u.nav.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	te.u.nav.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	te.wait()
	if te.u.active != 1 {
		t.Fatalf("Down, Space showed screen %d", te.u.active)
	}
	if c.Focused() != fyne.Focusable(te.u.nav) {
		t.Fatalf("the focus moved to %T: the next arrow key goes nowhere", c.Focused())
	}
	te.u.nav.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	te.u.nav.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if te.u.active != 2 {
		t.Fatalf("the second Down, Space showed screen %d", te.u.active)
	}
}

// newTestUIKeyringDown is newTestUI with the keyring failing from the start.
func newTestUIKeyringDown(t *testing.T) *testEnv {
	t.Helper()
	a := test.NewTempApp(t)
	dir := t.TempDir()
	db, err := storage.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	sec := storage.NewMemorySecrets()
	sec.FailWith(&storage.KeyringUnavailableError{Cause: errors.New("The name org.freedesktop.secrets was not provided by any .service files")})
	env := &Env{DB: db, Secrets: sec, Log: applog.Discard(), closers: []func(){func() { db.Close() }}}
	w := a.NewWindow("test")
	u := newUI(a, w, env, testOptions())
	w.Resize(fyne.NewSize(1180, 760))
	u.Start()
	u.bg.wait()
	t.Cleanup(func() { u.Close(); w.Close() })
	return &testEnv{u: u, db: db, secrets: sec, dir: dir, win: w}
}

func TestKeyringUnavailableAtStart(t *testing.T) {
	te := newTestUIKeyringDown(t)
	u := te.u

	if u.keyring.err == nil || len(u.keyring.box.Objects) != 1 {
		t.Fatal("no banner for the unavailable keyring")
	}
	// One sentence (what fails, why, what still works), then the fix.
	want := "System keyring unavailable — no Secret Service (keyring daemon) is running — so Client Secrets cannot be " +
		"stored or used until it answers; everything else works. To fix it, install and start a Secret Service"
	if runtime.GOOS != "linux" {
		want = want[:strings.Index(want, " To fix it")]
	}
	if !labelContains(u.keyring.box, want) {
		t.Errorf("the banner does not say %q", want)
	}
	if labelContains(u.keyring.box, ". the") || labelContains(u.keyring.box, "details:") {
		t.Error("the banner joins the keyring's own error text to its sentence")
	}
	// Everything that needs no secret works: a profile typed in the dialog.
	createProfileByTyping(t, te, "Contoso MSP")
	if u.current == nil || u.current.Name != "Contoso MSP" || te.u.profiles.dlg.errMsg.Visible() {
		t.Fatal("creating a profile failed with the keyring unavailable")
	}
	c := connectionFor(t, te)
	if c.secretHint.Importance != widget.DangerImportance || !strings.Contains(c.secretHint.Text, "keyring") {
		t.Fatalf("secret hint = %q", c.secretHint.Text)
	}
}

// The banner's Retry probes again: it stays while the keyring still fails
// and goes once it answers, and the Connection screen finds the stored
// secret it could not read before.
func TestKeyringBannerRetry(t *testing.T) {
	te := newTestUIKeyringDown(t)
	u := te.u
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
	if u.keyring.retry == nil || u.keyring.retry.Disabled() {
		t.Fatal("the keyring banner has no Retry button")
	}

	test.Tap(u.keyring.retry)
	te.wait()
	if u.keyring.err == nil || len(u.keyring.box.Objects) != 1 || u.keyring.retry == nil || u.keyring.retry.Disabled() {
		t.Fatal("the banner must stay (with Retry) while the keyring still fails")
	}

	// A probe in flight: Retry waits for it instead of starting another.
	var q []func()
	u.bg.held = &q
	t.Cleanup(func() { u.bg.held = nil })
	test.Tap(u.keyring.retry)
	if !u.keyring.retry.Disabled() || !strings.Contains(u.keyring.retry.Text, "Checking") {
		t.Fatalf("Retry while probing: %q, disabled %v", u.keyring.retry.Text, u.keyring.retry.Disabled())
	}
	test.Tap(u.keyring.retry)
	u.foreground()
	if len(q) != 1 {
		t.Fatalf("%d probes started, want 1", len(q))
	}
	u.bg.held = nil

	// The keyring is started meanwhile, and a secret stored (by the CLI).
	te.secrets.FailWith(nil)
	if err := te.secrets.Set(context.Background(), u.current.ID, testSecret); err != nil {
		t.Fatal(err)
	}
	q[0]()
	te.wait()
	if u.keyring.err != nil || len(u.keyring.box.Objects) != 0 || u.keyring.retry != nil {
		t.Fatal("the banner must go once the keyring answers")
	}
	if s := c.model.Secret(); !s.Stored || s.Err != nil || c.secretHint.Importance != widget.SuccessImportance {
		t.Fatalf("the Connection screen still says %q", c.secretHint.Text)
	}
}

// Coming back to the app (the window regains the focus) probes an
// unavailable keyring again; an available one is not asked again.
func TestKeyringReprobedInForeground(t *testing.T) {
	te := newTestUIKeyringDown(t)
	u := te.u
	sec := &countingSecrets{Secrets: te.secrets}
	u.env.Secrets = sec
	// The hook the desktop driver calls when the app's window gains focus.
	hook, ok := u.app.Lifecycle().(interface{ OnEnteredForeground() func() })
	if !ok || hook.OnEnteredForeground() == nil {
		t.Fatal("no foreground hook is registered")
	}
	enter := hook.OnEnteredForeground()

	enter()
	te.wait()
	if sec.probes.Load() != 1 || u.keyring.err == nil || len(u.keyring.box.Objects) != 1 {
		t.Fatalf("probes %d, banner %d: the failing keyring must be probed again and stay explained", sec.probes.Load(), len(u.keyring.box.Objects))
	}
	te.secrets.FailWith(nil)
	enter()
	te.wait()
	if sec.probes.Load() != 2 || u.keyring.err != nil || len(u.keyring.box.Objects) != 0 {
		t.Fatalf("probes %d, banner %d: the banner must go once the keyring answers", sec.probes.Load(), len(u.keyring.box.Objects))
	}
	enter()
	te.wait()
	if sec.probes.Load() != 2 {
		t.Fatal("an available keyring is probed on every focus change")
	}
}
