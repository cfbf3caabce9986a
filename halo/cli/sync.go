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
	pos, err := parse(fs, args)
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
	secret, err := r.profileSecret(ctx, p, false)
	if err != nil {
		return err
	}
	cfg := configFor(p, secret)
	cfg.UserAgent = assets.Binary + "/" + assets.Version
	cfg.Logger = r.log
	client, err := halo.NewClient(cfg)
	if err != nil {
		return err
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
		_ = storage.RecordSync(ctx, r.db, p.ID, nil, start, elapsed, err)
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
	fmt.Fprintf(r.env.Stdout, "Synced %q in %s: %d agents (%d enabled, %d disabled, %d API-only), %d teams, %d departments, %d organisations.\n",
		p.Name, elapsed.Round(time.Millisecond), out.Agents.Visible, out.Agents.Enabled, out.Agents.Disabled, out.Agents.APIOnly,
		out.Teams, out.Departments, out.Organisations)
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
