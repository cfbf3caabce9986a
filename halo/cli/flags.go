package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo/textsafe"
)

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

// profileFlag adds the --profile NAME flag of the commands that work on a
// stored profile; r.profile resolves it.
func (fs *flagSet) profileFlag(help string) *string { return fs.String("profile", "", help) }

// jsonFlag adds --json; help "" is the usual wording.
func (fs *flagSet) jsonFlag(help string) *bool {
	if help == "" {
		help = "print JSON"
	}
	return fs.Bool("json", false, help)
}

// parseNoArgs parses a command that takes flags only.
func (fs *flagSet) parseNoArgs(args []string) error {
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("%s takes no arguments", fs.Name())
	}
	return nil
}

// subcommand is one subcommand of a command group (profile, users, map,
// history).
type subcommand struct {
	names []string // the first is the one the usage names
	run   func(ctx context.Context, r *runner, args []string) error
}

// dispatch runs the subcommand args[0] of a group: with none it prints the
// group's usage and fails as a usage error, with --help it prints it.
func dispatch(ctx context.Context, r *runner, args []string, usage string, subs []subcommand) error {
	want := make([]string, len(subs))
	for i, s := range subs {
		want[i] = s.names[0]
	}
	list := want[len(want)-1]
	if len(want) > 1 {
		list = strings.Join(want[:len(want)-1], ", ") + " or " + list
	}
	if len(args) == 0 || wantsHelp(args[:1]) {
		fmt.Fprintf(r.env.Stdout, "Usage: %s %s\n", assets.Binary, usage)
		if len(args) == 0 {
			return usagef("missing subcommand (%s)", list)
		}
		return nil
	}
	for _, s := range subs {
		for _, n := range s.names {
			if n == args[0] {
				return s.run(ctx, r, args[1:])
			}
		}
	}
	return usagef("unknown subcommand %q (want %s)", args[0], list)
}

// writeJSON prints v as indented JSON. It bypasses the text filter, which
// would change values; textsafe.JSON spells the characters it drops as \u
// escapes instead, so the JSON cannot act in a terminal either.
func writeJSON(r *runner, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := r.rawOut.Write(textsafe.JSON(b.Bytes()))
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// isTerminal reports whether w is an interactive terminal (progress lines
// are only drawn there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// fmtStamp is how the commands print a time.
func fmtStamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
