// Package gui is the desktop side of halo-assistant, built with Fyne: a
// main window with a profile list and the screens of the setup journey.
// All disk, keyring and network work runs off the UI goroutine and comes
// back through fyne.Do.
package gui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// Options configure Run. The command line fills them (cli.GUIOptions has the
// same fields) and main converts one into the other, so neither front-end
// imports the other.
type Options struct {
	DataDir string
	Demo    bool
	Logger  *slog.Logger
	// Getenv reads the environment (os.Getenv), e.g. for the OS locale.
	Getenv func(string) string
}

// Icon is the application icon as a Fyne resource.
var Icon = fyne.NewStaticResource("icon.png", assets.IconPNG)

// Run opens the main window and blocks until the app quits; it returns the
// process exit code.
func Run(o Options) (code int) {
	if o.Logger == nil {
		o.Logger = applog.Discard()
	}
	// GLFW panics when the display goes away or refuses the connection;
	// say so plainly instead of printing a Go stack trace.
	defer func() {
		if r := recover(); r != nil {
			o.Logger.Error("the window could not be opened", "panic", fmt.Sprint(r))
			fmt.Fprintf(os.Stderr, "halo-assistant: the window could not be opened (%v).\n"+
				"Check that the display (DISPLAY=%s) is running and accepts connections, or use the command line: "+
				"'halo-assistant --help'.\n", r, os.Getenv("DISPLAY"))
			code = 1
		}
	}()
	prefs, prefsErr := fynePrefsFile(assets.AppID)
	if prefsErr == nil && dropDamagedPrefs(prefs) {
		o.Logger.Warn("removed the toolkit's damaged preferences file (an earlier exit was cut short)", "file", prefs)
	}
	a := app.NewWithID(assets.AppID)
	if prefsErr == nil {
		// Before any window: nothing has read or written a value yet.
		usePrefsFile(a, prefs, o.Logger)
	}
	a.SetIcon(Icon)
	w := a.NewWindow(assets.AppName)
	w.SetMaster()

	// Quit cleanly on SIGTERM/SIGINT so a session logout or a test harness
	// gets a normal exit rather than a killed process. A second signal
	// stops the process at once, for a quit that hangs; nothing the app
	// writes is left half-written by that (SQLite transactions, files
	// replaced by rename).
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		signal.Stop(sig)
		fyne.Do(a.Quit)
	}()

	var cleanup func()
	w.SetContent(widget.NewLabel("Opening " + o.DataDir + " …"))
	w.Resize(fyne.NewSize(1180, 760))
	openDB(w, o, func(u *UI) {
		cleanup = u.Close
	})
	w.ShowAndRun()
	if cleanup != nil {
		cleanup()
	}
	o.Logger.Info("app closed")
	return 0
}

// startOptions are the options openDB builds the UI with: the app's (the
// zero value). A test that starts the app through openDB runs the UI's
// background work inline (testOptions): Fyne's test driver runs fyne.Do
// on the calling goroutine, so the first loads would otherwise finish on
// several goroutines at once.
var startOptions uiOptions

// openDB opens the database off the UI goroutine, then builds the main UI,
// or shows what is wrong with the file and offers to move it aside.
func openDB(w fyne.Window, o Options, ready func(*UI)) {
	go func() {
		db, err := storage.Open(context.Background(), o.DataDir)
		if err != nil {
			o.Logger.Error("opening the database failed", "dir", o.DataDir, "err", err)
			fyne.Do(func() { w.SetContent(startupError(w, o, err, ready)) })
			return
		}
		env, err := newEnvironment(o, db)
		fyne.Do(func() {
			if err != nil {
				w.SetContent(startupError(w, o, err, ready))
				return
			}
			u := newUI(fyne.CurrentApp(), w, env, startOptions)
			// Started before it is handed over: whoever gets it may close
			// it at once, which must not race with Start's first loads.
			u.Start()
			ready(u)
			if warn := db.AccessWarning(); warn != "" {
				o.Logger.Warn("the data directory is open to other accounts", "dir", o.DataDir)
				dialog.ShowInformation("Your data folder is open to other accounts", "Note: "+warn+".", w)
			}
		})
	}()
}

// startupError explains a database that cannot be used. For a file that is
// not (or no longer) a database it offers to move it aside — never to
// overwrite it.
func startupError(w fyne.Window, o Options, err error, ready func(*UI)) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("The data file cannot be opened", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton("Quit", func() { fyne.CurrentApp().Quit() })
	buttons := container.NewHBox(quit)

	var path string
	var nd *storage.NotDatabaseError
	var ce *storage.CorruptError
	switch {
	case errors.As(err, &nd):
		path = nd.Path
	case errors.As(err, &ce):
		path = ce.Path
	}
	if path != "" {
		move := widget.NewButton("Move it aside and start fresh", nil)
		move.Importance = widget.HighImportance
		move.OnTapped = func() {
			moved, merr := storage.MoveAside(path)
			if merr != nil {
				msg.SetText(fmt.Sprintf("%v\n\nMoving it aside failed: %v", err, merr))
				return
			}
			o.Logger.Warn("moved an unusable database aside", "from", path, "to", moved)
			w.SetContent(widget.NewLabel("Moved the old file to " + moved + ". Opening a new database …"))
			openDB(w, o, ready)
		}
		buttons.Add(move)
	}
	return container.NewPadded(container.NewVBox(title, msg, buttons))
}
