package gui

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// Env is what the UI works with: the database, the secret store and the
// logger. Tests build one around a temp database and a fake secret store.
type Env struct {
	DB      *storage.DB
	Secrets storage.Secrets
	Log     *slog.Logger
	Demo    bool
	// Configure, when set, adjusts every Halo client configuration (demo
	// mode's simulated server, tests' fast sleeps).
	Configure func(*halo.Config)
	// Getenv reads the process environment (the OS locale's region);
	// nil is an empty environment.
	Getenv func(string) string
	// closers run when the window closes (demo server, …).
	closers []func()
}

func newEnvironment(o Options, db *storage.DB) (*Env, error) {
	service := assets.AppID
	if o.Demo {
		service += ".demo"
	}
	env := &Env{DB: db, Secrets: db.TrackSecrets(storage.Keyring{Service: service}), Log: o.Logger, Demo: o.Demo,
		Getenv: o.Getenv, closers: []func(){func() { db.Close() }}}
	if o.Demo {
		// The simulated Halo, the demo profile and in-memory secrets.
		if _, err := setupDemo(context.Background(), env); err != nil {
			db.Close()
			return nil, err
		}
	}
	return env, nil
}

// getenv is Getenv, or an empty environment without one.
func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

// screen is one page of the main window. Screens that are not built are
// simply not listed.
type screen interface {
	// Title and icon in the navigation list.
	title() string
	icon() fyne.Resource
	// content is built once and reused.
	content() fyne.CanvasObject
	// profileChanged runs on the UI goroutine when the current profile
	// changes (nil: none selected).
	profileChanged(p *storage.Profile)
}

// leaver is implemented by screens that may hold unsaved changes.
type leaver interface {
	// beforeLeave calls proceed when it is fine to leave the screen.
	beforeLeave(proceed func())
}

// UI is the main window's state. Fields are unexported; tests in this
// package drive the widgets directly (the fyne-io/calculator pattern).
type UI struct {
	app fyne.App
	win fyne.Window
	env *Env

	current *storage.Profile

	screens []screen
	active  int
	nav     *widget.List
	body    *fyne.Container
	header  *widget.Label
	// keyring explains an unavailable keyring above every screen.
	keyring *keyringBanner
	// lastSaveDir is where the last export or report went; the next save
	// starts there.
	lastSaveDir string

	profiles *profilesScreen

	// quit ends the app once unsaved changes are dealt with; tests
	// replace it.
	quit func()

	// escapes are the dialogs on screen that Esc closes (escapable).
	escapes escapeStack
	// bg runs the window's background work (runAsync, startJob).
	bg *background
}

// NewUI builds the main window's content around env.
func NewUI(a fyne.App, w fyne.Window, env *Env) *UI { return newUI(a, w, env, uiOptions{}) }

// uiOptions are NewUI's settings that only tests change; the zero value is
// the app's.
type uiOptions struct {
	clipboard clipboardClearing
	// inline makes runAsync run work and done on the caller's goroutine.
	// Fyne's test driver runs fyne.Do on the calling goroutine, so
	// completions of several background loads would otherwise touch
	// widgets (and Fyne's unsynchronised caches) at the same time.
	inline bool
}

func newUI(a fyne.App, w fyne.Window, env *Env, o uiOptions) *UI {
	u := &UI{app: a, win: w, env: env, bg: newBackground(o.inline)}
	u.quit = a.Quit
	u.profiles = newProfilesScreen(u)
	u.screens = []screen{u.profiles}
	// The journey's screens, in navigation order (Alt+1…7).
	u.screens = append(u.screens, newChecklistScreen(u), newConnectionScreen(u, o.clipboard), newCheckScreen(u),
		newMappingScreen(u), newContactsScreen(u), newHistoryScreen(u))
	u.build()
	return u
}

// Start loads the profiles and remembered selection, and probes the keyring.
func (u *UI) Start() {
	u.profiles.reload(true)
	u.probeKeyring()
	// Desktop drivers call this when a window of the app gains the focus
	// after another app had it.
	u.app.Lifecycle().SetOnEnteredForeground(u.foreground)
}

// closeWait bounds each of Close's two waits: for work in flight, then for
// the environment's closers.
var closeWait = 2 * time.Second

// Close stops background work and releases the environment. It waits a
// little for work in flight (cancelled through its context) so that the
// database is not closed under a write, but never hangs the exit: a closer
// still busy after closeWait (the demo server waits for its requests) is
// left to the process's end.
func (u *UI) Close() {
	u.app.Lifecycle().SetOnEnteredForeground(nil)
	u.bg.stop()
	if c := findScreen[*connectionScreen](u); c != nil {
		c.stopClipboardTimer()
	}
	waitAtMost(closeWait, u.bg.wait)
	closers := u.env.closers
	waitAtMost(closeWait, func() {
		for _, c := range closers {
			c()
		}
	})
}

// waitAtMost runs f and returns when it has, or after d.
func waitAtMost(d time.Duration, f func()) {
	done := make(chan struct{})
	go func() { f(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

func (u *UI) build() {
	u.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.keyring = newKeyringBanner(u.probeKeyring)
	u.body = container.NewStack()
	u.nav = widget.NewList(
		func() int { return len(u.screens) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel("Systems check"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Icon).SetResource(u.screens[i].icon())
			row.Objects[1].(*widget.Label).SetText(u.screens[i].title())
		},
	)
	u.nav.OnSelected = func(i widget.ListItemID) {
		if i == u.active {
			return
		}
		u.show(i)
	}

	top := container.NewVBox(u.topBar(), u.keyring.box)
	split := container.NewHSplit(u.nav, u.body)
	split.Offset = 0.15
	u.win.SetContent(container.NewBorder(top, nil, nil, nil, split))
	u.win.SetMainMenu(u.mainMenu())
	u.addShortcuts()
	// The close button asks about unsaved changes like Quit does.
	u.win.SetCloseIntercept(u.requestQuit)
	u.nav.Select(0)
	u.showNow(0)
	u.updateHeader()
}

func (u *UI) topBar() fyne.CanvasObject {
	logo := canvas.NewImageFromResource(Icon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(28, 28))
	check := widget.NewButtonWithIcon("Run systems check", theme.MediaPlayIcon(), u.runSystemsCheck)
	items := []fyne.CanvasObject{logo, u.header, layoutSpacer(), check}
	if u.env.Demo {
		items = append(items, demoBadge())
	}
	return container.NewPadded(container.NewHBox(items...))
}

func (u *UI) updateHeader() {
	if u.current == nil {
		u.header.SetText(assets.AppName + " — no profile selected")
		u.win.SetTitle(assets.AppName)
		return
	}
	u.header.SetText(assets.AppName + " — " + u.current.Name)
	u.win.SetTitle(assets.AppName + " — " + u.current.Name)
}

// setCurrent changes the current profile and tells every screen.
func (u *UI) setCurrent(p *storage.Profile) {
	u.current = p
	u.updateHeader()
	for _, s := range u.screens {
		s.profileChanged(p)
	}
}

// showError shows err in a dialog.
func (u *UI) showError(prefix string, err error) {
	u.env.Log.Error(prefix, "err", err)
	dialog.ShowError(fmt.Errorf("%s: %w", prefix, err), u.win)
}
