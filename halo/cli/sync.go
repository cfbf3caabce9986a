package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

const syncUsage = `sync --profile NAME [--json]

Pulls the agents, teams, departments and organisations the API agent can see and stores them
for the profile (a failed or cancelled pull keeps the previous data).`

// syncJSON is the `sync --json` contract.
type syncJSON struct {
	OK            bool             `json:"ok"`
	Profile       string           `json:"profile"`
	Agents        halo.AgentCounts `json:"agents"`
	Teams         int              `json:"teams"`
	Departments   int              `json:"departments"`
	Organisations int              `json:"organisations"`
	PulledAt      *time.Time       `json:"pulled_at,omitempty"`
	Ms            int64            `json:"ms"`
	Error         *errorJSON       `json:"error,omitempty"`
}

type errorJSON struct {
	Kind    string `json:"kind"`
	Status  int    `json:"status,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func toErrorJSON(err error) *errorJSON {
	var he *halo.Error
	if errors.As(err, &he) {
		return &errorJSON{Kind: string(he.Kind), Status: he.Status, Code: he.Code, Message: he.Message, Fix: he.Fix}
	}
	return &errorJSON{Kind: "error", Message: err.Error()}
}

func runSync(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("sync", syncUsage)
	profileName := fs.String("profile", "", "profile to sync (secret from the keyring)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	p, err := r.profile(ctx, *profileName)
	if err != nil {
		return err
	}
	// With --json every failure from here on is reported as JSON too.
	fail := func(err error) error {
		if !*asJSON {
			return err
		}
		_ = writeJSON(r, syncJSON{Profile: p.Name, Error: toErrorJSON(err)})
		fmt.Fprintf(r.env.Stderr, "%s: %s\n", assets.Binary, err)
		return errReported
	}
	secret, err := r.profileSecret(ctx, p)
	if err != nil {
		return fail(err)
	}
	cfg := configFor(p, secret)
	cfg.UserAgent = assets.Binary + "/" + assets.Version
	cfg.Logger = r.log
	if !*asJSON {
		cfg.OnWait = func(reason string, d time.Duration) {
			fmt.Fprintf(r.env.Stderr, "\r\033[K%s\n", waitNote(reason, d))
		}
	}
	client, err := halo.NewClient(cfg)
	if err != nil {
		return fail(err)
	}

	var progress func(halo.PullProgress)
	tty := !*asJSON && isTerminal(r.env.Stderr)
	if tty {
		progress = func(pp halo.PullProgress) {
			fmt.Fprintf(r.env.Stderr, "\r\033[K%s", describePull(pp))
		}
	}
	start := time.Now()
	snap, err := client.Pull(ctx, progress)
	if tty {
		fmt.Fprint(r.env.Stderr, "\r\033[K")
	}
	elapsed := time.Since(start)
	out := syncJSON{Profile: p.Name, Ms: elapsed.Milliseconds()}
	if err != nil {
		if rerr := storage.RecordSync(ctx, r.db, p.ID, nil, start, elapsed, err); rerr != nil {
			fmt.Fprintf(r.env.Stderr, "warning: the failed sync could not be saved to history: %v\n", rerr)
		}
		if *asJSON {
			out.Error = toErrorJSON(err)
			_ = writeJSON(r, out)
			return errReported
		}
		return err
	}
	pulledAt := time.Now().UTC()
	if err := storage.RecordSync(ctx, r.db, p.ID, &snap, start, elapsed, nil); err != nil {
		return fmt.Errorf("the pull worked but storing it failed (the previous data is kept): %w", err)
	}
	out.OK = true
	out.Agents = halo.CountAgents(snap.Agents)
	out.Teams, out.Departments, out.Organisations = len(snap.Teams), len(snap.Departments), len(snap.Organisations)
	out.PulledAt = &pulledAt
	if *asJSON {
		return writeJSON(r, out)
	}
	fmt.Fprintf(r.env.Stdout, "Synced %q in %s: %s (%d enabled, %d disabled, %d API-only), %s, %s, %s.\n",
		p.Name, elapsed.Round(time.Millisecond), storage.CountOf(out.Agents.Visible, "agent"), out.Agents.Enabled,
		out.Agents.Disabled, out.Agents.APIOnly, storage.CountOf(out.Teams, "team"),
		storage.CountOf(out.Departments, "department"), storage.CountOf(out.Organisations, "organisation"))
	return nil
}

func describePull(pp halo.PullProgress) string {
	switch {
	case pp.AgentsTotal > 0:
		return fmt.Sprintf("%s: %d/%d agents (page %d/%d)", pp.Stage, pp.Agents, pp.AgentsTotal, pp.Pages, pp.PagesTotal)
	case pp.Agents > 0:
		return fmt.Sprintf("%s: %d agents", pp.Stage, pp.Agents)
	default:
		return pp.Stage + " …"
	}
}
