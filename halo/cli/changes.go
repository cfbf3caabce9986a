package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

const changesUsage = `changes --profile NAME [--json]

Lists what changed since the last export and what to do in 1stream's CRM User Mappings screen
(Administration › Manage Organization › CRM User Mappings). 'export --changes' writes the same rows.`

// dayTwo loads a profile's day-two data by name.
func (r *runner) dayTwo(ctx context.Context, name string) (*storage.DayTwo, error) {
	p, err := r.profile(ctx, name)
	if err != nil {
		return nil, err
	}
	return storage.LoadDayTwo(ctx, r.db, p.ID)
}

// parseDayTwo parses a command that takes flags only and loads the day-two
// data of its --profile (profile points at the flag's value).
func (r *runner) parseDayTwo(ctx context.Context, fs *flagSet, profile *string, args []string) (*storage.DayTwo, error) {
	if err := fs.parseNoArgs(args); err != nil {
		return nil, err
	}
	return r.dayTwo(ctx, *profile)
}

// changeJSON is one change in `changes --json`.
type changeJSON struct {
	Change    string `json:"change"`
	Extension string `json:"extension"`
	User      string `json:"user"`
	Email     string `json:"email"`
	AgentID   int    `json:"agent_id"`
	Agent     string `json:"agent"`
	Why       string `json:"why"`
	Do        string `json:"do"`
}

// changesJSON is the `changes --json` contract.
type changesJSON struct {
	Profile    string       `json:"profile"`
	LastExport *time.Time   `json:"last_export"`
	Changes    []changeJSON `json:"changes"`
}

func runChanges(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("changes", changesUsage)
	profileName := fs.profileFlag("profile")
	asJSON := fs.jsonFlag("")
	d, err := r.parseDayTwo(ctx, fs, profileName, args)
	if err != nil {
		return err
	}
	cs := d.Changes()
	if *asJSON {
		out := changesJSON{Profile: d.Profile.Name, LastExport: lastExport(d), Changes: make([]changeJSON, len(cs))}
		for i, c := range cs {
			out.Changes[i] = changeJSON{Change: string(c.Kind), Extension: c.Row.Extension, User: c.Row.UserName, Email: c.Row.UserEmail,
				AgentID: c.Row.AgentID, Agent: c.Row.AgentName, Why: c.Why, Do: c.Do}
		}
		return writeJSON(r, out)
	}
	since := "ever (nothing exported yet)"
	if d.Exported {
		since = "the last export (" + fmtStamp(d.Export.At) + ", " + d.Export.File + ")"
	}
	if len(cs) == 0 {
		fmt.Fprintf(r.env.Stdout, "No changes since %s: 1stream's CRM User Mappings are up to date.\n", since)
		return nil
	}
	fmt.Fprintf(r.env.Stdout, "%s since %s. In 1stream's CRM User Mappings screen:\n", halo.CountOf(len(cs), "change"), since)
	for _, c := range cs {
		fmt.Fprintf(r.env.Stdout, "  %-7s  %s  (%s)\n", c.Kind, c.Do, c.Why)
	}
	return nil
}

func lastExport(d *storage.DayTwo) *time.Time {
	if !d.Exported {
		return nil
	}
	t := d.Export.At.UTC()
	return &t
}

// exportChanges writes only the changed rows; the rows 1stream holds
// afterwards (every current row) become the new baseline.
func exportChanges(ctx context.Context, r *runner, d *storage.DayTwo, out string, bom bool) error {
	cs := d.Changes()
	return r.writeExport(ctx, d, storage.ExportChanges, out, mapping.CurrentRows(d.Users, d.Mappings, d.Agents), len(cs),
		func(w io.Writer) error { return mapping.WriteChangesCSV(w, cs, bom) })
}

// writeExport writes an export to out (a file, atomically, or standard
// output for "" and "-") and remembers it as the new baseline.
func (r *runner) writeExport(ctx context.Context, d *storage.DayTwo, kind, out string, rows []mapping.Row, written int, write func(io.Writer) error) error {
	name := out
	if out == "" || out == "-" {
		name = "standard output"
		// Piped or redirected, the bytes are those --out FILE would hold
		// (the filter would drop a BOM and CRLF's CR); shown on a
		// terminal, the CSV is text like any other.
		w := r.rawOut
		if isTerminal(w) {
			w = r.env.Stdout
		}
		if err := write(w); err != nil {
			return err
		}
	} else if err := mapping.WriteFileAtomic(out, write); err != nil {
		return err
	}
	if err := storage.SaveExport(ctx, r.db, d, kind, name, rows, written); err != nil {
		return err
	}
	if name != "standard output" {
		fmt.Fprintf(r.env.Stderr, "Wrote %s to %s.\n", halo.CountOf(written, "row"), out)
	}
	return nil
}
