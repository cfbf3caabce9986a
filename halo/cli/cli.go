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
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
)

// GUIOptions is what the GUI needs from the command line.
type GUIOptions struct {
	DataDir string
	Demo    bool
	Logger  *slog.Logger
}

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
}

// OSEnv is the real environment.
func OSEnv(gui func(GUIOptions) int) Env {
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, GUI: gui,
		Secrets: func(service string) storage.Secrets { return storage.Keyring{Service: service} },
	}
}

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// runner carries what every command needs.
type runner struct {
	env         Env
	dataDirFlag string
	dataDir     string
	demo        bool
	log         *slog.Logger
	db          *storage.DB
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

	r := &runner{env: env, demo: *demo}
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
	r.dataDir, r.db = dir, db
	return nil
}

func (r *runner) closeDB() {
	if r.db != nil {
		r.db.Close()
	}
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

// keyringService separates demo secrets from real ones.
func (r *runner) keyringService() string {
	if r.demo {
		return assets.AppID + ".demo"
	}
	return assets.AppID
}

// secrets is the keyring, recording in the database (when open) whether
// each profile has a secret.
func (r *runner) secrets() storage.Secrets {
	var s storage.Secrets = storage.Keyring{Service: r.keyringService()}
	if r.env.Secrets != nil {
		s = r.env.Secrets(r.keyringService())
	}
	if r.db != nil {
		return r.db.TrackSecrets(s)
	}
	return s
}

func (r *runner) startGUI(dataDirFlag string) int {
	if r.env.GUI == nil {
		fmt.Fprintln(r.env.Stderr, "this build has no GUI")
		return ExitFailed
	}
	if msg := noDisplay(r.env.Getenv); msg != "" {
		fmt.Fprintln(r.env.Stderr, msg)
		return ExitFailed
	}
	dir, err := r.resolveDataDir(dataDirFlag)
	if err != nil {
		return r.fail(err)
	}
	log := r.env.Logger
	if log == nil {
		log = openLog(r.env)
	}
	return r.env.GUI(GUIOptions{DataDir: dir, Demo: r.demo, Logger: log})
}

// noDisplay explains, instead of GLFW's panic, why no window can open: no
// display set, or one that nothing answers on. The desktop driver talks
// X11 (XWayland on Wayland desktops), so DISPLAY is what counts.
func noDisplay(getenv func(string) string) string {
	if runtime.GOOS != "linux" && !strings.HasSuffix(runtime.GOOS, "bsd") {
		return ""
	}
	const cli = "\nRun it from a desktop session, or use the command line: 'halo-assistant --help'."
	display := getenv("DISPLAY")
	if display == "" {
		if getenv("WAYLAND_DISPLAY") != "" {
			return "halo-assistant: this Wayland session offers no X11 display (DISPLAY is not set); " +
				"the window needs XWayland, which most desktops start automatically." + cli
		}
		return "halo-assistant: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open." + cli
	}
	if err := reachDisplay(display); err != nil {
		return fmt.Sprintf("halo-assistant: the X display %q does not answer (%v), so the window cannot open.%s", display, err, cli)
	}
	return ""
}

// reachDisplay is reachX; tests replace it.
var reachDisplay = reachX

// reachX checks that an X server listens for DISPLAY ("[host]:N[.screen]").
func reachX(display string) error {
	host, rest, ok := strings.Cut(display, ":")
	if !ok {
		return fmt.Errorf("not a display name")
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return fmt.Errorf("not a display name")
	}
	if host == "" || host == "unix" {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		c, err := net.DialTimeout("unix", sock, time.Second)
		if err != nil {
			// Some servers only listen on the abstract socket of that name.
			if c2, err2 := net.DialTimeout("unix", "@"+sock, time.Second); err2 == nil {
				c2.Close()
				return nil
			}
			return err
		}
		c.Close()
		return nil
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), 2*time.Second)
	if err != nil {
		return err
	}
	c.Close()
	return nil
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

Secrets are never taken as arguments: profile add/set store one only from --secret-stdin or
--secret-from-env (env HALO_CLIENT_SECRET); --profile commands always use the profile's own.
Exit codes: 0 ok, 1 the operation failed, 2 usage error.
Run '%s COMMAND --help' for a command's options.
`, defaultDirForHelp(), assets.Binary)
}

func defaultDirForHelp() string {
	if d, err := storage.DefaultDataDir(); err == nil {
		return d
	}
	return filepath.Join("<config dir>", "halo-assistant")
}

// flagSet is a command's flags. Parse errors come back as usage errors
// (printed once, on stderr, by Main); --help prints the usage on stdout.
type flagSet struct {
	*flag.FlagSet
	usage string
	out   io.Writer
}

func (r *runner) newFlags(name, usage string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, usage: usage, out: r.env.Stdout}
}

// parse parses flags that may come before or after positional arguments.
func (fs *flagSet) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(fs.out, "Usage: %s %s\n\nOptions:\n", assets.Binary, fs.usage)
				fs.SetOutput(fs.out)
				fs.PrintDefaults()
				fs.SetOutput(io.Discard)
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// secretEnv is the environment variable an explicit --secret-from-env (or
// the ad-hoc check --url) reads the Client Secret from.
const secretEnv = "HALO_CLIENT_SECRET"

// Where an explicit Client Secret came from, as the commands report it.
const (
	sourceStdin = "standard input"
	sourceEnv   = "env " + secretEnv
)

// explicitSecret reads the Client Secret from the source the user named
// (--secret-stdin or --secret-from-env), never from an argument; source is
// "" when none was named. An ambient HALO_CLIENT_SECRET alone is no source:
// with many customers' profiles it would land on the wrong one.
func (r *runner) explicitSecret(c connFlags) (secret, source string, err error) {
	switch {
	case *c.secretStdin && *c.secretFromEnv:
		return "", "", usagef("give either --secret-stdin or --secret-from-env, not both")
	case *c.secretStdin:
		s, err := r.readSecretStdin()
		return s, sourceStdin, err
	case *c.secretFromEnv:
		s := r.envSecret()
		if s == "" {
			return "", "", usagef("--secret-from-env was given but %s is empty or not set", secretEnv)
		}
		return s, sourceEnv, nil
	}
	return "", "", nil
}

// envSecret is HALO_CLIENT_SECRET, registered with the log redactor.
func (r *runner) envSecret() string {
	s := strings.TrimSpace(r.env.Getenv(secretEnv))
	applog.AddSecret(s)
	return s
}

// readSecretStdin reads the secret from standard input; on a terminal it
// prompts and reads without echo.
func (r *runner) readSecretStdin() (string, error) {
	var s string
	if f, ok := r.env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(r.env.Stderr, "Client Secret (not shown): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(r.env.Stderr)
		if err != nil {
			return "", fmt.Errorf("reading the secret from the terminal: %w", err)
		}
		s = string(b)
	} else {
		b, err := io.ReadAll(io.LimitReader(r.env.Stdin, 8<<10))
		if err != nil {
			return "", fmt.Errorf("reading the secret from standard input: %w", err)
		}
		s = string(b)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", usagef("--secret-stdin was given but no secret was read")
	}
	applog.AddSecret(s)
	return s, nil
}

// profileSecret is the Client Secret of a profile, for every command that
// takes --profile: always the profile's own keyring entry. Neither the
// environment nor a flag can replace it, so one customer's secret is never
// sent to another customer's Halo.
func (r *runner) profileSecret(ctx context.Context, p storage.Profile) (string, error) {
	if r.env.Getenv(secretEnv) != "" {
		fmt.Fprintf(r.env.Stderr, "note: %s is ignored with --profile: %q uses its own Client Secret from the keyring\n", secretEnv, p.Name)
	}
	s, err := r.secrets().Get(ctx, p.ID)
	applog.AddSecret(s)
	if errors.Is(err, storage.ErrSecretNotFound) {
		return "", fmt.Errorf("profile %q has no Client Secret in the keyring: store it with "+
			"'halo-assistant profile set %q --secret-stdin' or the app's Connection screen", p.Name, p.Name)
	}
	if err != nil {
		return "", err
	}
	return s, nil
}

// probeKeyring reports an unreachable keyring before anything is changed.
func (r *runner) probeKeyring(ctx context.Context) error {
	if p, ok := r.secrets().(interface{ Probe(context.Context) error }); ok {
		return p.Probe(ctx)
	}
	return nil
}

func runVersion(_ context.Context, r *runner, args []string) error {
	fs := r.newFlags("version", "version")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "%s %s (%s, %s/%s)\n", assets.Binary, assets.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// now is replaceable for tests that compare timestamps.
var now = time.Now
