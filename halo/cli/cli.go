// Package cli is the command-line side of halo-assistant: profile
// management, the systems check, the agent sync and the mapping commands.
// Its names, --json fields and exit codes are a contract MSP scripts rely
// on. It never imports Fyne: the GUI is handed in by main as a function.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/textsafe"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
)

// Env is the world the CLI runs in; tests replace parts of it.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// GUI starts the desktop app and returns its exit code.
	GUI func(GUIOptions) int
	// Secrets returns the secret store for a keyring service name.
	Secrets func(service string) storage.Secrets
	// Logger overrides the log file (tests).
	Logger *slog.Logger
	// ReachDisplay checks that the X display named by DISPLAY answers
	// before the GUI starts; nil checks the real one (tests replace it).
	ReachDisplay func(display string) error
}

// OSEnv is the real environment, HALO_CLIENT_SECRET taken out of it (see
// takeEnvSecret): call it once, at start.
func OSEnv(gui func(GUIOptions) int) Env {
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: takeEnvSecret(), GUI: gui,
		Secrets: func(service string) storage.Secrets { return storage.Keyring{Service: service} },
	}
}

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// runner carries what every command needs.
type runner struct {
	// env's Stdout and Stderr pass text through textsafe (see Main);
	// rawOut and rawErr are the writers as given, for JSON, CSV and the
	// CLI's own terminal controls.
	env            Env
	rawOut, rawErr io.Writer
	dataDirFlag    string
	dataDir        string
	demo           bool
	log            *slog.Logger
	db             *storage.DB
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, r *runner, args []string) error
	needsDB             bool
}

func commands() []command {
	return []command{
		{"profile", "add|list|remove|rename …", "manage profiles (one per 1stream organisation)", runProfile, true},
		{"check", "--profile NAME | --url URL --client-id ID …", "run the systems check against Halo", runCheck, false},
		{"sync", "--profile NAME", "pull agents, teams, departments and organisations", runSync, true},
		// contacts and lookup open the database themselves: any failure, that
		// one too, must exit 2, since their exit 1 is a finding.
		{"contacts", "audit|fix|undo|forget --profile NAME …", "audit Halo's contacts for screen pops; fix their numbers in Halo, undo; drop the stored snapshot", runContacts, false},
		{"lookup", "--profile NAME NUMBER [--json]", "test a caller: which contacts Halo's phone search finds for NUMBER as a caller ID", runLookup, false},
		{"users", "import|list …", "manage the 1stream users of a profile", runUsers, true},
		{"map", "auto|set|remove …", "map 1stream users to Halo agents", runMap, true},
		{"export", "--profile NAME [--out FILE] [--changes]", "export the mappings (or only the changes) as CSV for upload", runExport, true},
		{"import-mappings", "--profile NAME FILE", "restore mappings from an exported CSV", runImportMappings, true},
		{"changes", "--profile NAME [--json]", "what to update in 1stream since the last export", runChanges, true},
		{"status", "--profile NAME [--sync] [--json]", "exit 0 if nothing needs attention (for RMM monitors)", runStatus, true},
		{"record", "--profile NAME --out FILE.md|FILE.html", "write the integration record for your documentation", runRecord, true},
		{"history", "keep [N]", "how many runs the history keeps per profile (default 200)", runHistory, true},
		{"version", "", "print the version", runVersion, false},
	}
}

// Main runs the command line and returns the process exit code.
func Main(args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	// Every text line goes through the terminal filter, so no command can
	// print a name from Halo or a users file that acts in the terminal
	// (an ESC or BEL sequence rewrites the clipboard or clears the screen,
	// a bidi override reorders the line).
	rawOut, rawErr := env.Stdout, env.Stderr
	env.Stdout, env.Stderr = textsafe.NewWriter(rawOut), textsafe.NewWriter(rawErr)
	g := flag.NewFlagSet(assets.Binary, flag.ContinueOnError)
	g.SetOutput(io.Discard)
	dataDir := g.String("data-dir", "", "")
	demo := g.Bool("demo", false, "")
	if err := g.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(env.Stdout)
			return ExitOK
		}
		fmt.Fprintf(env.Stderr, "%s: %v\n\n", assets.Binary, err)
		printUsage(env.Stderr)
		return ExitUsage
	}
	rest := g.Args()

	r := &runner{env: env, rawOut: rawOut, rawErr: rawErr, demo: *demo}
	if len(rest) == 0 {
		return r.startGUI(*dataDir)
	}
	name := rest[0]
	if name == "help" {
		printUsage(env.Stdout)
		return ExitOK
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			c := c
			cmd = &c
		}
	}
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "%s: unknown command %q\n\n", assets.Binary, name)
		printUsage(env.Stderr)
		return ExitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first Ctrl+C the command winds down; a second one
		// kills the process as usual.
		<-ctx.Done()
		stop()
	}()

	r.log = env.Logger
	if r.log == nil {
		r.log = openLog(env)
	}
	r.dataDirFlag = *dataDir
	defer r.closeDB()
	if cmd.needsDB && !wantsHelp(rest[1:]) {
		if err := r.openDB(ctx); err != nil {
			return r.fail(err)
		}
	}
	r.log.Info("command", "name", name)
	err := cmd.run(ctx, r, rest[1:])
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, new(usageError)):
		fmt.Fprintf(env.Stderr, "%s %s: %v\nRun '%s %s --help' for usage.\n", assets.Binary, name, err, assets.Binary, name)
		return ExitUsage
	case errors.Is(err, errReported):
		return ExitFailed
	case errors.As(err, new(exit2Error)):
		r.fail(err)
		return ExitUsage
	default:
		return r.fail(err)
	}
}

// openDB opens the database once; commands that need it only sometimes
// (check --url stores nothing) call it themselves.
func (r *runner) openDB(ctx context.Context) error {
	if r.db != nil {
		return nil
	}
	dir, err := r.resolveDataDir(r.dataDirFlag)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, dir)
	if err != nil {
		return err
	}
	if w := db.AccessWarning(); w != "" {
		fmt.Fprintf(r.env.Stderr, "warning: %s\n", w)
		r.log.Warn("the data directory is open to other accounts", "dir", dir)
	}
	r.dataDir, r.db = dir, db
	return nil
}

func (r *runner) closeDB() {
	if r.db != nil {
		r.db.Close()
	}
}

// redraw writes text over the terminal's current line (progress and
// waits): the CLI's own "\r ESC[K" goes out raw, the text filtered.
func (r *runner) redraw(text string) {
	io.WriteString(r.rawErr, "\r\033[K")
	io.WriteString(r.env.Stderr, text)
}

// errReported means the command already printed its outcome (e.g. a
// failed check) and only the exit code remains to be set.
var errReported = errors.New("reported")

func (r *runner) fail(err error) int {
	fmt.Fprintf(r.env.Stderr, "%s: %s\n", assets.Binary, applog.Redact(err.Error()))
	var he *halo.Error
	if errors.As(err, &he) && he.Fix != "" {
		fmt.Fprintf(r.env.Stderr, "fix: %s\n", applog.Redact(he.Fix))
	}
	var nd *storage.NotDatabaseError
	var ce *storage.CorruptError
	switch {
	case errors.As(err, &nd):
		fmt.Fprintf(r.env.Stderr, "To move it aside: start the app and choose \"Move it aside\", or run: %s\n", moveAsideCommand(runtime.GOOS, nd.Path))
	case errors.As(err, &ce):
		fmt.Fprintf(r.env.Stderr, "To move it aside: start the app and choose \"Move it aside\", or run: %s\n", moveAsideCommand(runtime.GOOS, ce.Path))
	}
	if r.log != nil {
		r.log.Error("command failed", "err", err)
	}
	return ExitFailed
}

// moveAsideCommand is the shell command that renames a bad database to
// <path>.broken: cmd.exe and PowerShell both know "move" and take
// backslashes literally inside double quotes (%q would double them).
func moveAsideCommand(goos, p string) string {
	if goos == "windows" {
		return fmt.Sprintf(`move "%s" "%s.broken"`, p, p)
	}
	return fmt.Sprintf("mv %q %q", p, p+".broken")
}

func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

// resolveDataDir picks the data directory: --data-dir as given, else env
// HALO_ASSISTANT_DATA_DIR, else the default. Demo mode never shares a
// directory with real profiles: only an explicit --data-dir is used as is.
// The result is absolute (SQLite's file: URIs need that).
func (r *runner) resolveDataDir(flagValue string) (string, error) {
	dir := flagValue
	if dir == "" {
		dir = r.env.Getenv("HALO_ASSISTANT_DATA_DIR")
		if dir == "" {
			d, err := storage.DefaultDataDir()
			if err != nil {
				return "", err
			}
			dir = d
		}
		if r.demo {
			dir = filepath.Clean(dir) + "-demo"
		}
	}
	return filepath.Abs(dir)
}

func openLog(env Env) *slog.Logger {
	dir, err := applog.DefaultDir()
	if err == nil {
		var l *slog.Logger
		if l, _, err = applog.Open(dir, 0, slog.LevelInfo); err == nil {
			// The file stays open for the life of the process.
			return l
		}
	}
	fmt.Fprintf(env.Stderr, "warning: logging disabled: %v\n", err)
	return applog.Discard()
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, `%s %s — connect 1stream to HaloPSA, check it, map phone users to Halo agents.

Usage:
  %s [--data-dir DIR] [--demo]            start the desktop app
  %s [--data-dir DIR] COMMAND [ARGS]      run a command (no display needed)

Commands:
`, assets.AppName, assets.Version, assets.Binary, assets.Binary)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Global options:
  --data-dir DIR   where the database lives (default %s; env HALO_ASSISTANT_DATA_DIR)
  --demo           use the built-in simulated Halo and a separate demo data directory

Secrets are never taken as arguments: profile add/set and the ad-hoc check take one only from
--secret-stdin or --secret-from-env (env HALO_CLIENT_SECRET, which no process this program starts
inherits); --profile commands always use the profile's own.
Exit codes: 0 ok, 1 the operation failed, 2 usage error (contacts audit and lookup: 1 is a
finding, 2 any failure; contacts fix and undo: 1 some skipped or failed, 2 nothing written).
Run '%s COMMAND --help' for a command's options.
`, defaultDirForHelp(), assets.Binary)
}

func defaultDirForHelp() string {
	if d, err := storage.DefaultDataDir(); err == nil {
		return d
	}
	return filepath.Join("<config dir>", "halo-assistant")
}
