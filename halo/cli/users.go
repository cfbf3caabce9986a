package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

const usersUsage = `users import --profile NAME FILE [--dry-run] [--json]     (FILE "-" reads standard input)
       halo-assistant users list --profile NAME [--json]`

func runUsers(ctx context.Context, r *runner, args []string) error {
	return dispatch(ctx, r, args, usersUsage, []subcommand{
		{[]string{"import"}, usersImport},
		{[]string{"list"}, usersList},
	})
}

func agentByID(agents []halo.Agent, id int) (halo.Agent, bool) {
	for _, a := range agents {
		if a.ID == id {
			return a, true
		}
	}
	return halo.Agent{}, false
}

// userByExtension loads a profile's day-two data and finds the user with
// extension ext in it (by ExtensionKey).
func (r *runner) userByExtension(ctx context.Context, profile, ext string) (*storage.DayTwo, mapping.User, error) {
	d, err := r.dayTwo(ctx, profile)
	if err != nil {
		return nil, mapping.User{}, err
	}
	key := mapping.ExtensionKey(ext)
	for _, u := range d.Users {
		if mapping.ExtensionKey(u.Extension) == key {
			return d, u, nil
		}
	}
	return nil, mapping.User{}, applog.Personal("no such 1stream user",
		fmt.Errorf("no 1stream user with extension %q in %q", ext, d.Profile.Name))
}

func readInput(r *runner, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(io.LimitReader(r.env.Stdin, mapping.MaxImportBytes+1))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, mapping.MaxImportBytes+1))
}

// rejectedJSON is a line that was not imported, in the --json contracts.
type rejectedJSON struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"`
}

func toRejectedJSON(rs []mapping.Rejected) []rejectedJSON {
	out := make([]rejectedJSON, len(rs))
	for i, r := range rs {
		out[i] = rejectedJSON{r.Line, r.Reason, r.Raw}
	}
	return out
}

// importJSON is the `users import --json` contract. With --dry-run the
// counts are what the import would do (mapping.PlanUsersImport, the GUI's
// preview).
type importJSON struct {
	Accepted  int            `json:"accepted"`
	Added     int            `json:"added"`
	Updated   int            `json:"updated"`
	Unchanged int            `json:"unchanged"`
	DryRun    bool           `json:"dry_run"`
	Rejected  []rejectedJSON `json:"rejected"`
}

// fileCommand is what the commands that read one FILE into a profile share.
type fileCommand struct {
	profile, path string
	dry, json     bool
}

func (r *runner) parseFileCommand(name, usage, dryHelp string, args []string) (fileCommand, error) {
	fs := r.newFlags(name, usage)
	profileName := fs.profileFlag("profile to import into")
	dry := fs.Bool("dry-run", false, dryHelp)
	asJSON := fs.jsonFlag("")
	pos, err := fs.parse(args)
	if err != nil {
		return fileCommand{}, err
	}
	if len(pos) != 1 {
		return fileCommand{}, usagef("want exactly one FILE (or - for standard input)")
	}
	return fileCommand{profile: *profileName, path: pos[0], dry: *dry, json: *asJSON}, nil
}

func usersImport(ctx context.Context, r *runner, args []string) error {
	fc, err := r.parseFileCommand("users import", usersUsage, "show what would be imported, change nothing", args)
	if err != nil {
		return err
	}
	p, err := r.profile(ctx, fc.profile)
	if err != nil {
		return err
	}
	data, err := readInput(r, fc.path)
	if err != nil {
		return err
	}
	prev, err := mapping.ParseUsers(bytes.NewReader(data))
	if err != nil {
		return err
	}
	existing, err := r.db.Users(ctx, p.ID)
	if err != nil {
		return err
	}
	// The GUI's preview: rows storage would refuse are rejected with their
	// line, the rest counted as new, updated or unchanged.
	plan := mapping.PlanUsersImport(prev, existing)
	prev = plan.Preview
	out := importJSON{Accepted: len(prev.Accepted), Added: plan.New, Updated: plan.Updated, Unchanged: plan.Unchanged,
		DryRun: fc.dry, Rejected: toRejectedJSON(prev.Rejected)}
	if !fc.dry && len(prev.Accepted) > 0 {
		if out.Added, out.Updated, err = r.db.UpsertUsers(ctx, p.ID, prev.Users(p.ID)); err != nil {
			return err
		}
		out.Unchanged = out.Accepted - out.Added - out.Updated
	}
	if fc.json {
		return writeJSON(r, out)
	}
	verb := "Imported"
	if fc.dry {
		verb = "Would import"
	}
	fmt.Fprintf(r.env.Stdout, "%s %s into %q (%d new, %d updated, %d unchanged", verb, halo.CountOf(out.Accepted, "user"), p.Name,
		out.Added, out.Updated, out.Unchanged)
	if len(prev.Rejected) > 0 {
		fmt.Fprintf(r.env.Stdout, ", %d rejected", len(prev.Rejected))
	}
	fmt.Fprintln(r.env.Stdout, ").")
	if len(prev.Rejected) > 0 {
		fmt.Fprintf(r.env.Stdout, "Not imported (%d):\n", len(prev.Rejected))
		for _, rj := range prev.Rejected {
			fmt.Fprintf(r.env.Stdout, "  line %d: %s\n", rj.Line, rj.Reason)
		}
	}
	return nil
}

type userJSON struct {
	ID         int64      `json:"id"`
	Extension  string     `json:"extension"`
	Name       string     `json:"name"`
	Email      string     `json:"email"`
	Status     string     `json:"status"`
	AgentID    *int       `json:"agent_id"`
	AgentName  string     `json:"agent_name,omitempty"`
	AgentEmail string     `json:"agent_email,omitempty"`
	MatchedBy  string     `json:"matched_by,omitempty"`
	MappedAt   *time.Time `json:"mapped_at,omitempty"`
}

func usersList(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("users list", usersUsage)
	profileName := fs.profileFlag("profile to list")
	asJSON := fs.jsonFlag("")
	d, err := r.parseDayTwo(ctx, fs, profileName, args)
	if err != nil {
		return err
	}
	idx := mapping.IndexAgents(d.Agents)
	byUser := mapping.MappingsByUser(d.Mappings)
	out := make([]userJSON, 0, len(d.Users))
	for _, u := range d.Users {
		j := userJSON{ID: u.ID, Extension: u.Extension, Name: u.Name, Email: u.Email}
		m := byUser[u.ID]
		j.Status = string(mapping.UserStatus(m, idx))
		if m != nil {
			id, at := m.AgentID, m.MappedAt.UTC()
			j.AgentID, j.AgentName, j.AgentEmail, j.MatchedBy, j.MappedAt = &id, m.AgentName, m.AgentEmail, string(m.MatchedBy), &at
		}
		out = append(out, j)
	}
	if *asJSON {
		return writeJSON(r, out)
	}
	if len(out) == 0 {
		fmt.Fprintf(r.env.Stdout, "No 1stream users in %q yet. Import them with: halo-assistant users import --profile %q FILE\n", d.Profile.Name, d.Profile.Name)
		return nil
	}
	tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EXT\tNAME\tEMAIL\tSTATUS\tHALO AGENT\tMATCHED BY")
	mapped := 0
	for _, j := range out {
		if j.Status == "mapped" {
			mapped++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", dash(j.Extension), dash(j.Name), dash(j.Email), j.Status, dash(j.AgentName), dash(j.MatchedBy))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "\nmapped %d / %d\n", mapped, len(out))
	return nil
}
