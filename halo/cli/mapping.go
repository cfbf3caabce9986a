package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

const usersUsage = `users import --profile NAME FILE [--dry-run] [--json]     (FILE "-" reads standard input)
       halo-assistant users list --profile NAME [--json]`

const mapUsage = `map auto --profile NAME [--dry-run] [--json]
       halo-assistant map set --profile NAME --extension EXT --agent-id ID [--move]
       halo-assistant map remove --profile NAME --extension EXT`

func runUsers(ctx context.Context, r *runner, args []string) error {
	if len(args) == 0 || wantsHelp(args[:1]) {
		fmt.Fprintf(r.env.Stdout, "Usage: halo-assistant %s\n", usersUsage)
		if len(args) == 0 {
			return usagef("missing subcommand (import or list)")
		}
		return nil
	}
	switch args[0] {
	case "import":
		return usersImport(ctx, r, args[1:])
	case "list":
		return usersList(ctx, r, args[1:])
	default:
		return usagef("unknown subcommand %q (want import or list)", args[0])
	}
}

// workspace is a profile's mapping data, loaded together.
type workspace struct {
	profile  storage.Profile
	users    []storage.User
	mappings []storage.Mapping
	agents   []halo.Agent
	pulledAt time.Time
}

func (r *runner) loadWorkspace(ctx context.Context, name string) (*workspace, error) {
	p, err := r.profile(ctx, name)
	if err != nil {
		return nil, err
	}
	w := &workspace{profile: p}
	if w.users, err = r.db.Users(ctx, p.ID); err != nil {
		return nil, err
	}
	if w.mappings, err = r.db.Mappings(ctx, p.ID); err != nil {
		return nil, err
	}
	snap, at, err := r.db.Snapshot(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	w.agents, w.pulledAt = snap.Agents, at
	return w, nil
}

func (w *workspace) mappingUsers() []mapping.User {
	out := make([]mapping.User, len(w.users))
	for i, u := range w.users {
		out[i] = mapping.User{ID: u.ID, Extension: u.Extension, Name: u.Name, Email: u.Email}
	}
	return out
}

func (w *workspace) mappingMappings() []mapping.Mapping {
	out := make([]mapping.Mapping, len(w.mappings))
	for i, m := range w.mappings {
		out[i] = mapping.Mapping{UserID: m.UserID, AgentID: m.AgentID, AgentName: m.AgentName, AgentEmail: m.AgentEmail,
			MatchedBy: mapping.Method(m.MatchedBy), MappedAt: m.MappedAt}
	}
	return out
}

func toStorageMapping(profileID int64, m mapping.Mapping) storage.Mapping {
	return storage.Mapping{ProfileID: profileID, UserID: m.UserID, AgentID: m.AgentID, AgentName: m.AgentName,
		AgentEmail: m.AgentEmail, MatchedBy: string(m.MatchedBy), MappedAt: m.MappedAt}
}

func (w *workspace) agentByID(id int) (halo.Agent, bool) {
	for _, a := range w.agents {
		if a.ID == id {
			return a, true
		}
	}
	return halo.Agent{}, false
}

func (w *workspace) userByExtension(ext string) (storage.User, bool) {
	key := mapping.ExtensionKey(ext)
	for _, u := range w.users {
		if mapping.ExtensionKey(u.Extension) == key {
			return u, true
		}
	}
	return storage.User{}, false
}

// status of a user's mapping: mapped, stale (agent gone or disabled) or
// unmapped.
func (w *workspace) status(m *storage.Mapping) string {
	if m == nil {
		return "unmapped"
	}
	a, ok := w.agentByID(m.AgentID)
	if !ok || a.IsDisabled {
		return "stale"
	}
	return "mapped"
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

type importJSON struct {
	Accepted int            `json:"accepted"`
	Added    int            `json:"added"`
	Updated  int            `json:"updated"`
	DryRun   bool           `json:"dry_run"`
	Rejected []rejectedJSON `json:"rejected"`
}

// fileCommand is what the commands that read one FILE into a profile share.
type fileCommand struct {
	profile, path string
	dry, json     bool
}

func (r *runner) parseFileCommand(name, usage, dryHelp string, args []string) (fileCommand, error) {
	fs := r.newFlags(name, usage)
	profileName := fs.String("profile", "", "profile to import into")
	dry := fs.Bool("dry-run", false, dryHelp)
	asJSON := fs.Bool("json", false, "print JSON")
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
	out := importJSON{Accepted: len(prev.Accepted), DryRun: fc.dry, Rejected: toRejectedJSON(prev.Rejected)}
	if !fc.dry && len(prev.Accepted) > 0 {
		users := make([]storage.User, len(prev.Accepted))
		for i, row := range prev.Accepted {
			users[i] = storage.User{ProfileID: p.ID, Extension: row.User.Extension, Name: row.User.Name, Email: row.User.Email}
		}
		if out.Added, out.Updated, err = r.db.UpsertUsers(ctx, p.ID, users); err != nil {
			return err
		}
	}
	if fc.json {
		return writeJSON(r, out)
	}
	verb := "Imported"
	if fc.dry {
		verb = "Would import"
	}
	fmt.Fprintf(r.env.Stdout, "%s %d users into %q", verb, out.Accepted, p.Name)
	if !fc.dry {
		fmt.Fprintf(r.env.Stdout, " (%d new, %d updated)", out.Added, out.Updated)
	}
	fmt.Fprintln(r.env.Stdout, ".")
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
	profileName := fs.String("profile", "", "profile to list")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("users list takes no arguments")
	}
	w, err := r.loadWorkspace(ctx, *profileName)
	if err != nil {
		return err
	}
	byUser := make(map[int64]*storage.Mapping, len(w.mappings))
	for i := range w.mappings {
		byUser[w.mappings[i].UserID] = &w.mappings[i]
	}
	out := make([]userJSON, 0, len(w.users))
	for _, u := range w.users {
		j := userJSON{ID: u.ID, Extension: u.Extension, Name: u.Name, Email: u.Email}
		m := byUser[u.ID]
		j.Status = w.status(m)
		if m != nil {
			id, at := m.AgentID, m.MappedAt.UTC()
			j.AgentID, j.AgentName, j.AgentEmail, j.MatchedBy, j.MappedAt = &id, m.AgentName, m.AgentEmail, m.MatchedBy, &at
		}
		out = append(out, j)
	}
	if *asJSON {
		return writeJSON(r, out)
	}
	if len(out) == 0 {
		fmt.Fprintf(r.env.Stdout, "No 1stream users in %q yet. Import them with: halo-assistant users import --profile %q FILE\n", w.profile.Name, w.profile.Name)
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

func runMap(ctx context.Context, r *runner, args []string) error {
	if len(args) == 0 || wantsHelp(args[:1]) {
		fmt.Fprintf(r.env.Stdout, "Usage: halo-assistant %s\n", mapUsage)
		if len(args) == 0 {
			return usagef("missing subcommand (auto, set or remove)")
		}
		return nil
	}
	switch args[0] {
	case "auto":
		return mapAuto(ctx, r, args[1:])
	case "set":
		return mapSet(ctx, r, args[1:])
	case "remove":
		return mapRemove(ctx, r, args[1:])
	default:
		return usagef("unknown subcommand %q (want auto, set or remove)", args[0])
	}
}

type matchJSON struct {
	Extension  string `json:"extension"`
	User       string `json:"user"`
	AgentID    int    `json:"agent_id"`
	Agent      string `json:"agent"`
	Method     string `json:"method"`
	Candidates []int  `json:"candidates,omitempty"`
}

type autoJSON struct {
	DryRun      bool        `json:"dry_run"`
	Applied     int         `json:"applied"`
	Matches     []matchJSON `json:"matches"`
	Suggestions []matchJSON `json:"suggestions"`
	Mapped      int         `json:"mapped"`
	Users       int         `json:"users"`
}

func mapAuto(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("map auto", mapUsage)
	profileName := fs.String("profile", "", "profile to map")
	dry := fs.Bool("dry-run", false, "show the matches, change nothing")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("map auto takes no arguments")
	}
	w, err := r.loadWorkspace(ctx, *profileName)
	if err != nil {
		return err
	}
	if len(w.agents) == 0 {
		return fmt.Errorf("no Halo agents stored for %q: run 'halo-assistant sync --profile %q' (or a successful check) first", w.profile.Name, w.profile.Name)
	}
	sugg := mapping.Suggest(w.mappingUsers(), w.agents, w.mappingMappings())
	confident := mapping.Confident(sugg)

	users := make(map[int64]storage.User, len(w.users))
	for _, u := range w.users {
		users[u.ID] = u
	}
	agents := make(map[int]halo.Agent, len(w.agents))
	for _, a := range w.agents {
		agents[a.ID] = a
	}
	describe := func(s mapping.Suggestion) matchJSON {
		u, a := users[s.UserID], agents[s.AgentID]
		return matchJSON{Extension: u.Extension, User: u.Name, AgentID: s.AgentID, Agent: a.Name, Method: string(s.Method), Candidates: s.Candidates}
	}
	out := autoJSON{DryRun: *dry, Matches: []matchJSON{}, Suggestions: []matchJSON{}, Users: len(w.users)}
	applied := make(map[int64]bool, len(confident))
	now := time.Now().UTC()
	var toSet []storage.Mapping
	for _, s := range confident {
		out.Matches = append(out.Matches, describe(s))
		applied[s.UserID] = true
		a := agents[s.AgentID]
		toSet = append(toSet, storage.Mapping{ProfileID: w.profile.ID, UserID: s.UserID, AgentID: a.ID, AgentName: a.Name,
			AgentEmail: a.Email, MatchedBy: string(s.Method), MappedAt: now})
	}
	for _, s := range sugg {
		if !applied[s.UserID] {
			out.Suggestions = append(out.Suggestions, describe(s))
		}
	}
	if !*dry && len(toSet) > 0 {
		if err := r.db.ApplyMappings(ctx, w.profile.ID, toSet, nil, nil); err != nil {
			return err
		}
		out.Applied = len(toSet)
	}
	out.Mapped = len(w.mappings) + out.Applied
	if *asJSON {
		return writeJSON(r, out)
	}
	verb := "Mapped"
	if *dry {
		verb = "Would map"
	}
	fmt.Fprintf(r.env.Stdout, "%s %d users by confident matches:\n", verb, len(out.Matches))
	for _, m := range out.Matches {
		fmt.Fprintf(r.env.Stdout, "  %-6s %-28s → %s (by %s)\n", dash(m.Extension), m.User, m.Agent, m.Method)
	}
	if len(out.Suggestions) > 0 {
		fmt.Fprintf(r.env.Stdout, "Left for review (%d): fuzzy or ambiguous matches — map them with 'map set' or in the app:\n", len(out.Suggestions))
		for _, m := range out.Suggestions {
			fmt.Fprintf(r.env.Stdout, "  %-6s %-28s ? %s (%s)\n", dash(m.Extension), m.User, m.Agent, m.Method)
		}
	}
	if !*dry {
		fmt.Fprintf(r.env.Stdout, "mapped %d / %d\n", out.Mapped, out.Users)
	}
	return nil
}

func mapSet(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("map set", mapUsage)
	profileName := fs.String("profile", "", "profile")
	ext := fs.String("extension", "", "the 1stream user's extension")
	agentID := fs.Int("agent-id", 0, "the Halo agent's ID")
	move := fs.Bool("move", false, "if the agent is mapped to another user, move it")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *ext == "" || *agentID <= 0 {
		return usagef("want --extension EXT and --agent-id ID")
	}
	w, err := r.loadWorkspace(ctx, *profileName)
	if err != nil {
		return err
	}
	u, ok := w.userByExtension(*ext)
	if !ok {
		return fmt.Errorf("no 1stream user with extension %q in %q", *ext, w.profile.Name)
	}
	a, ok := w.agentByID(*agentID)
	if !ok {
		return fmt.Errorf("no Halo agent with ID %d in the last sync of %q (run 'halo-assistant sync --profile %q' if it is new)",
			*agentID, w.profile.Name, w.profile.Name)
	}
	if a.IsDisabled {
		fmt.Fprintf(r.env.Stderr, "warning: agent %q is disabled in Halo\n", a.Name)
	}
	m := storage.Mapping{ProfileID: w.profile.ID, UserID: u.ID, AgentID: a.ID, AgentName: a.Name, AgentEmail: a.Email,
		MatchedBy: string(mapping.MethodManual), MappedAt: time.Now().UTC()}
	if *move {
		err = r.db.MoveMapping(ctx, m)
	} else {
		err = r.db.SetMapping(ctx, m)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "Mapped %s %s → %s (agent %d).\n", u.Extension, u.Name, a.Name, a.ID)
	return nil
}

func mapRemove(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("map remove", mapUsage)
	profileName := fs.String("profile", "", "profile")
	ext := fs.String("extension", "", "the 1stream user's extension")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *ext == "" {
		return usagef("want --extension EXT")
	}
	w, err := r.loadWorkspace(ctx, *profileName)
	if err != nil {
		return err
	}
	u, ok := w.userByExtension(*ext)
	if !ok {
		return fmt.Errorf("no 1stream user with extension %q in %q", *ext, w.profile.Name)
	}
	if err := r.db.DeleteMapping(ctx, w.profile.ID, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "Unmapped %s %s.\n", u.Extension, u.Name)
	return nil
}

const exportUsage = `export --profile NAME [--out FILE] [--bom] [--include-unmapped] [--changes]

Writes the mappings as CSV (RFC 4180, UTF-8) for upload: to FILE (atomically) or standard output.
With --changes, only the rows changed since the last export, with a Change column (added, changed,
removed). Every export is remembered as what 1stream now holds.`

func runExport(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("export", exportUsage)
	profileName := fs.String("profile", "", "profile to export")
	outPath := fs.String("out", "", "file to write (default standard output)")
	bom := fs.Bool("bom", false, "start with a UTF-8 byte order mark (Excel-friendly)")
	unmapped := fs.Bool("include-unmapped", false, "include users without a mapping")
	changes := fs.Bool("changes", false, "only the rows changed since the last export")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected argument %q (use --out FILE)", pos[0])
	}
	if *changes && *unmapped {
		return usagef("--changes and --include-unmapped cannot be combined (a changes export lists only rows 1stream must update)")
	}
	d, err := r.dayTwo(ctx, *profileName)
	if err != nil {
		return err
	}
	if *changes {
		return exportChanges(ctx, r, d, *outPath, *bom)
	}
	opt := mapping.ExportOptions{BOM: *bom, IncludeUnmapped: *unmapped}
	rows := mapping.ExportRows(d.Users, d.Mappings)
	written := len(rows)
	if *unmapped {
		written = len(d.Users)
	}
	return r.writeExport(ctx, d, storage.ExportFull, *outPath, rows, written, func(w io.Writer) error {
		return mapping.WriteCSV(w, d.Users, d.Mappings, opt)
	})
}

const importMappingsUsage = `import-mappings --profile NAME FILE [--dry-run] [--json]

Restores mappings from a CSV written by 'export' (matched by Halo agent ID; users by extension, then email).`

type importMappingsJSON struct {
	DryRun   bool           `json:"dry_run"`
	Restored int            `json:"restored"`
	Problems []rejectedJSON `json:"problems"`
}

func runImportMappings(ctx context.Context, r *runner, args []string) error {
	fc, err := r.parseFileCommand("import-mappings", importMappingsUsage, "show what would be restored, change nothing", args)
	if err != nil {
		return err
	}
	w, err := r.loadWorkspace(ctx, fc.profile)
	if err != nil {
		return err
	}
	data, err := readInput(r, fc.path)
	if err != nil {
		return err
	}
	recs, rejected, err := mapping.ReadMappingsCSV(bytes.NewReader(data))
	if err != nil {
		return err
	}
	ok, problems := mapping.ResolveMappings(recs, w.mappingUsers(), w.agents)
	problems = append(rejected, problems...)
	out := importMappingsJSON{DryRun: fc.dry, Restored: len(ok), Problems: toRejectedJSON(problems)}
	if !fc.dry && len(ok) > 0 {
		ms := make([]storage.Mapping, len(ok))
		for i, m := range ok {
			ms[i] = toStorageMapping(w.profile.ID, m)
		}
		if err := r.db.ApplyMappings(ctx, w.profile.ID, ms, nil, nil); err != nil {
			return err
		}
	}
	if fc.json {
		return writeJSON(r, out)
	}
	verb := "Restored"
	if fc.dry {
		verb = "Would restore"
	}
	fmt.Fprintf(r.env.Stdout, "%s %d mappings into %q.\n", verb, len(ok), w.profile.Name)
	if len(problems) > 0 {
		fmt.Fprintf(r.env.Stdout, "Not restored (%d):\n", len(problems))
		for _, p := range problems {
			fmt.Fprintf(r.env.Stdout, "  line %s: %s\n", strconv.Itoa(p.Line), p.Reason)
		}
	}
	return nil
}
