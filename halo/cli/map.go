package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

const mapUsage = `map auto --profile NAME [--dry-run] [--json]
       halo-assistant map set --profile NAME --extension EXT --agent-id ID [--move]
       halo-assistant map remove --profile NAME --extension EXT`

func runMap(ctx context.Context, r *runner, args []string) error {
	return dispatch(ctx, r, args, mapUsage, []subcommand{
		{[]string{"auto"}, mapAuto},
		{[]string{"set"}, mapSet},
		{[]string{"remove"}, mapRemove},
	})
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
	profileName := fs.profileFlag("profile to map")
	dry := fs.Bool("dry-run", false, "show the matches, change nothing")
	asJSON := fs.jsonFlag("")
	d, err := r.parseDayTwo(ctx, fs, profileName, args)
	if err != nil {
		return err
	}
	if len(d.Agents) == 0 {
		return fmt.Errorf("no Halo agents stored for %q: run 'halo-assistant sync --profile %q' (or a successful check) first", d.Profile.Name, d.Profile.Name)
	}
	sugg := mapping.Suggest(d.Users, d.Agents, d.Mappings)
	toSet, accepted := mapping.AcceptConfident(sugg, d.Agents, d.Mappings, time.Now().UTC())

	users := make(map[int64]mapping.User, len(d.Users))
	for _, u := range d.Users {
		users[u.ID] = u
	}
	agents := mapping.IndexAgents(d.Agents)
	describe := func(s mapping.Suggestion) matchJSON {
		u, name := users[s.UserID], ""
		if a := agents[s.AgentID]; a != nil {
			name = mapping.AgentDisplayName(*a)
		}
		return matchJSON{Extension: u.Extension, User: u.Name, AgentID: s.AgentID, Agent: name, Method: string(s.Method), Candidates: s.Candidates}
	}
	out := autoJSON{DryRun: *dry, Matches: []matchJSON{}, Suggestions: []matchJSON{}, Users: len(d.Users)}
	applied := make(map[int64]bool, len(accepted))
	for _, s := range accepted {
		out.Matches = append(out.Matches, describe(s))
		applied[s.UserID] = true
	}
	for _, s := range sugg {
		if !applied[s.UserID] {
			out.Suggestions = append(out.Suggestions, describe(s))
		}
	}
	if !*dry && len(toSet) > 0 {
		if err := r.db.ApplyMappings(ctx, d.Profile.ID, toSet, nil, nil); err != nil {
			return err
		}
		out.Applied = len(toSet)
	}
	out.Mapped = len(d.Mappings) + out.Applied
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
	profileName := fs.profileFlag("profile")
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
	d, u, err := r.userByExtension(ctx, *profileName, *ext)
	if err != nil {
		return err
	}
	a, ok := agentByID(d.Agents, *agentID)
	if !ok {
		return fmt.Errorf("no Halo agent with ID %d in the last sync of %q (run 'halo-assistant sync --profile %q' if it is new)",
			*agentID, d.Profile.Name, d.Profile.Name)
	}
	if a.IsDisabled {
		fmt.Fprintf(r.env.Stderr, "warning: agent %q is disabled in Halo\n", a.Name)
	}
	m := mapping.Mapping{ProfileID: d.Profile.ID, UserID: u.ID, AgentID: a.ID, AgentName: mapping.AgentDisplayName(a), AgentEmail: a.Email,
		MatchedBy: mapping.MethodManual, MappedAt: time.Now().UTC()}
	if *move {
		err = r.db.MoveMapping(ctx, m)
	} else {
		err = r.db.SetMapping(ctx, m)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "Mapped %s %s → %s (agent %d).\n", u.Extension, u.Name, m.AgentName, a.ID)
	return nil
}

func mapRemove(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("map remove", mapUsage)
	profileName := fs.profileFlag("profile")
	ext := fs.String("extension", "", "the 1stream user's extension")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *ext == "" {
		return usagef("want --extension EXT")
	}
	d, u, err := r.userByExtension(ctx, *profileName, *ext)
	if err != nil {
		return err
	}
	if err := r.db.DeleteMapping(ctx, d.Profile.ID, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "Unmapped %s %s.\n", u.Extension, u.Name)
	return nil
}
