package gui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// testOptions are the options tests build the UI with: background work
// runs inline, as Fyne's test driver runs fyne.Do on the calling
// goroutine and several screens loading at once would race inside Fyne.
func testOptions() uiOptions { return uiOptions{inline: true} }

type testEnv struct {
	u       *UI
	db      *storage.DB
	secrets *storage.MemorySecrets
	dir     string
	win     fyne.Window
}

// newTestUI builds the real UI around a real SQLite file in dir (a fresh
// temp dir when empty) and an in-memory secret store.
func newTestUI(t *testing.T, dir string) *testEnv {
	t.Helper()
	return newTestUIWindow(t, dir, nil)
}

// newTestUIWindow is newTestUI with the window passed through wrap (when
// set) before the UI is built around it.
func newTestUIWindow(t *testing.T, dir string, wrap func(fyne.Window) fyne.Window) *testEnv {
	t.Helper()
	return newTestUIOptions(t, dir, wrap, testOptions())
}

// newTestUIOptions is newTestUIWindow with the UI built with o, running
// background work inline (testOptions).
func newTestUIOptions(t *testing.T, dir string, wrap func(fyne.Window) fyne.Window, o uiOptions) *testEnv {
	t.Helper()
	o.inline = true
	if dir == "" {
		dir = t.TempDir()
	}
	a := test.NewTempApp(t)
	db, err := storage.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	sec := storage.NewMemorySecrets()
	// Tracked, as the app's (ui.go) is: the delete rule reads what was stored.
	env := &Env{DB: db, Secrets: db.TrackSecrets(sec), Log: applog.Discard(), closers: []func(){func() { db.Close() }}}
	w := a.NewWindow("test")
	if wrap != nil {
		w = wrap(w)
	}
	u := newUI(a, w, env, o)
	w.Resize(fyne.NewSize(1180, 760))
	u.Start()
	u.bg.wait()
	te := &testEnv{u: u, db: db, secrets: sec, dir: dir, win: w}
	t.Cleanup(func() {
		u.Close()
		w.Close()
	})
	return te
}

// wait blocks until background work (and the work it started) is done.
func (te *testEnv) wait() { te.u.bg.wait() }

// isShown reports whether the screen of type T is the one on display.
func isShown[T screen](u *UI) bool {
	s := findScreen[T](u)
	return u.screens[u.active] == screen(s)
}

// holdAsync runs f with the background work it starts on u held back;
// release runs that work and its completion (and whatever they start)
// inline. A test then changes the UI (switches profiles, asks to quit)
// before the work and its completion run, as they can when the disk is
// slow.
func holdAsync(t *testing.T, u *UI, f func()) (release func()) {
	t.Helper()
	var q []func()
	u.bg.held = &q
	t.Cleanup(func() { u.bg.held = nil })
	f()
	u.bg.held = nil
	return func() {
		for _, run := range q {
			run()
		}
	}
}
