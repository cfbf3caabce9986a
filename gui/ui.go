package gui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
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
	// closers run when the window closes (demo server, …).
	closers []func()
}

func newEnvironment(o Options, db *storage.DB) (*Env, error) {
	service := assets.AppID
	if o.Demo {
		service += ".demo"
	}
	env := &Env{DB: db, Secrets: storage.Keyring{Service: service}, Log: o.Logger, Demo: o.Demo,
		closers: []func(){func() { db.Close() }}}
	if o.Demo {
		// The simulated Halo, the demo profile and in-memory secrets.
		if _, err := setupDemo(context.Background(), env); err != nil {
			db.Close()
			return nil, err
		}
	}
	return env, nil
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

	screens  []screen
	active   int
	nav      *widget.List
	body     *fyne.Container
	header   *widget.Label
	banner   *fyne.Container
	keyError error

	profiles *profilesScreen
	mapping  *mappingScreen

	// pending tracks background work so tests can wait for it.
	pending sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
}

// NewUI builds the main window's content around env.
func NewUI(a fyne.App, w fyne.Window, env *Env) *UI {
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{app: a, win: w, env: env, ctx: ctx, cancel: cancel}
	u.profiles = newProfilesScreen(u)
	u.screens = []screen{u.profiles}
	// The journey's screens, in navigation order (Alt+1…6).
	u.mapping = newMappingScreen(u)
	u.screens = append(u.screens, newChecklistScreen(u), newConnectionScreen(u), newCheckScreen(u),
		u.mapping, newHistoryScreen(u))
	u.build()
	return u
}

// Start loads the profiles and remembered selection, and probes the keyring.
func (u *UI) Start() {
	u.profiles.reload(true)
	u.probeKeyring()
}

// Close stops background work and releases the environment. It waits a
// little for work in flight (cancelled through its context) so that the
// database is not closed under a write, but never hangs the exit.
func (u *UI) Close() {
	u.cancel()
	done := make(chan struct{})
	go func() { u.pending.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	for _, c := range u.env.closers {
		c()
	}
}

func (u *UI) build() {
	u.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.banner = container.NewVBox()
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

	top := container.NewVBox(u.topBar(), u.banner)
	split := container.NewHSplit(u.nav, u.body)
	split.Offset = 0.15
	u.win.SetContent(container.NewBorder(top, nil, nil, nil, split))
	u.win.SetMainMenu(u.mainMenu())
	u.addShortcuts()
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

// show switches screens, respecting unsaved changes on the current one.
func (u *UI) show(i int) {
	if l, ok := u.screens[u.active].(leaver); ok {
		l.beforeLeave(func() { u.showNow(i) })
		u.nav.Select(u.active) // stays until the screen agrees
		return
	}
	u.showNow(i)
}

func (u *UI) showNow(i int) {
	u.active = i
	u.body.Objects = []fyne.CanvasObject{u.screens[i].content()}
	u.body.Refresh()
	u.nav.Select(i)
}

// showScreen switches to the screen of the given type, if it is listed.
func (u *UI) showScreen(match func(screen) bool) {
	for i, s := range u.screens {
		if match(s) {
			u.show(i)
			return
		}
	}
}

// setCurrent changes the current profile and tells every screen.
func (u *UI) setCurrent(p *storage.Profile) {
	u.current = p
	u.updateHeader()
	for _, s := range u.screens {
		s.profileChanged(p)
	}
}

func (u *UI) mainMenu() *fyne.MainMenu {
	file := fyne.NewMenu("File",
		&fyne.MenuItem{Label: "New profile…", Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault},
			Action: func() { u.showNow(0); u.profiles.newProfile() }},
	)
	// A menu shortcut also works while a text field has the focus (the
	// driver offers menu shortcuts first, canvas shortcuts only when the
	// focused widget does not take shortcuts).
	check := fyne.NewMenu("Check",
		&fyne.MenuItem{Label: "Run systems check", Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault},
			Action: u.runSystemsCheck},
	)
	return fyne.NewMainMenu(file, check)
}

func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.app.Quit() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.showNow(0); u.profiles.newProfile() })
	// Ctrl+R (re-)runs the systems check; Esc closes the top dialog.
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { u.runSystemsCheck() })
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			u.escape()
		}
		if ev.Name == fyne.KeyDelete && u.mappingShown() {
			u.mapping.unmapSelected()
		}
	})
	// Mapping screen, only while it is shown: Ctrl+M maps the selected user
	// and agent, Ctrl+Z undoes, Ctrl+Shift+Z (and Ctrl+Y) redoes. Delete is
	// handled above and by the screen's table and list when they have focus.
	onMapping := func(f func(*mappingScreen)) func(fyne.Shortcut) {
		return func(fyne.Shortcut) {
			if u.mappingShown() {
				f(u.mapping)
			}
		}
	}
	c.AddShortcut(mapShortcut, onMapping((*mappingScreen).mapSelected))
	c.AddShortcut(&fyne.ShortcutUndo{}, onMapping((*mappingScreen).undo))
	c.AddShortcut(&fyne.ShortcutRedo{}, onMapping((*mappingScreen).redo))
	c.AddShortcut(redoShortcut, onMapping((*mappingScreen).redo))
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	for i, k := range keys {
		i := i
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierAlt}, func(fyne.Shortcut) {
			if i < len(u.screens) {
				u.show(i)
			}
		})
	}
}

// probeKeyring checks the secret store once at start so an unavailable
// keyring is explained up front instead of at the first Save.
func (u *UI) probeKeyring() {
	type prober interface{ Probe(context.Context) error }
	p, ok := u.env.Secrets.(prober)
	if !ok {
		return
	}
	runAsync(u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, p.Probe(ctx)
	}, func(_ struct{}, err error) {
		u.keyError = err
		u.banner.Objects = nil
		if err != nil {
			u.env.Log.Warn("keyring unavailable", "err", err)
			u.banner.Add(warningBanner("System keyring unavailable — Client Secrets cannot be stored or used until it is. " +
				"Everything else works. " + err.Error()))
		}
		u.banner.Refresh()
	})
}

// runAsync runs work off the UI goroutine and delivers its result to done
// on the UI goroutine. The UI's WaitGroup lets tests wait for it.
func runAsync[T any](u *UI, work func(ctx context.Context) (T, error), done func(T, error)) {
	u.pending.Add(1)
	run := func() {
		defer u.pending.Done()
		v, err := work(u.ctx)
		if errors.Is(u.ctx.Err(), context.Canceled) {
			return // window closed
		}
		fyne.Do(func() { done(v, err) })
	}
	if runInline {
		run()
		return
	}
	go run()
}

// runInline makes runAsync run work and done on the caller's goroutine.
// Tests set it: Fyne's test driver runs fyne.Do on the calling goroutine,
// so completions of several background loads would otherwise touch
// widgets (and Fyne's unsynchronised caches) at the same time.
var runInline bool

// showError shows err in a dialog.
func (u *UI) showError(prefix string, err error) {
	u.env.Log.Error(prefix, "err", err)
	dialog.ShowError(fmt.Errorf("%s: %w", prefix, err), u.win)
}
