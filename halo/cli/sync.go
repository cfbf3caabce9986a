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

const syncUsage = `sync --profile NAME [--json] [--rate-share PCT]

Pulls the agents, teams, departments and organisations the API agent can see and stores them
for the profile (a failed or cancelled pull keeps the previous data). The pull takes at most
--rate-share percent of Halo's rate limit (default: the profile's, else 50), leaving the rest
for 1stream's live lookups.`

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
	profileName := fs.profileFlag("profile to sync (secret from the keyring)")
	asJSON := fs.jsonFlag("print the result as JSON")
	share := rateShareFlag(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if err := checkRateShare(*share); err != nil {
		return err
	}
	p, err := r.profile(ctx, *profileName)
	if err != nil {
		return err
	}
	var onWait func(halo.ErrorKind, time.Duration)
	var progress func(halo.PullProgress)
	if !*asJSON {
		onWait = func(reason halo.ErrorKind, d time.Duration) {
			r.redraw(waitNote(reason, d) + "\n")
		}
		if isTerminal(r.rawErr) {
			progress = func(pp halo.PullProgress) {
				r.redraw(describePull(pp))
			}
		}
	}
	snap, elapsed, err := r.pullAndRecord(ctx, p, onWait, progress, *share)
	switch {
	case err == nil:
	case !*asJSON:
		return err
	case errors.As(err, new(pullError)):
		_ = writeJSON(r, syncJSON{Profile: p.Name, Ms: elapsed.Milliseconds(), Error: toErrorJSON(err)})
		return errReported
	case errors.As(err, new(storeError)):
		return err
	default: // with --json, a failure before the pull is reported as JSON too
		_ = writeJSON(r, syncJSON{Profile: p.Name, Error: toErrorJSON(err)})
		fmt.Fprintf(r.env.Stderr, "%s: %s\n", assets.Binary, err)
		return errReported
	}
	pulledAt := time.Now().UTC()
	out := syncJSON{Profile: p.Name, Ms: elapsed.Milliseconds(), OK: true, PulledAt: &pulledAt}
	out.Agents = halo.CountAgents(snap.Agents)
	out.Teams, out.Departments, out.Organisations = len(snap.Teams), len(snap.Departments), len(snap.Organisations)
	if *asJSON {
		return writeJSON(r, out)
	}
	fmt.Fprintf(r.env.Stdout, "Synced %q in %s: %s (%d enabled, %d disabled, %d API-only), %s, %s, %s.\n",
		p.Name, halo.FormatDuration(elapsed), halo.CountOf(out.Agents.Visible, "agent"), out.Agents.Enabled,
		out.Agents.Disabled, out.Agents.APIOnly, halo.CountOf(out.Teams, "team"),
		halo.CountOf(out.Departments, "department"), halo.CountOf(out.Organisations, "organisation"))
	return nil
}

// pullError is a failed pull (the previous data is kept); storeError a
// pull that worked but could not be stored.
type (
	pullError  struct{ error }
	storeError struct{ error }
)

func (e pullError) Unwrap() error  { return e.error }
func (e storeError) Unwrap() error { return e.error }

// pullAndRecord pulls Halo for a stored profile with the profile's own
// Client Secret and records the outcome, for `sync` and `status --sync`: a
// history row always, the pulled data only when the pull worked (a failed
// or cancelled pull keeps the previous data). onWait and progress may be
// nil; a progress line is cleared when the pull ends. rateShare (0: the
// profile's) bounds the pull's share of Halo's rate limit.
func (r *runner) pullAndRecord(ctx context.Context, p storage.Profile, onWait func(halo.ErrorKind, time.Duration),
	progress func(halo.PullProgress), rateShare int) (halo.Snapshot, time.Duration, error) {
	client, err := r.bulkClient(ctx, p, onWait, rateShare)
	if err != nil {
		return halo.Snapshot{}, 0, err
	}
	hctx, cancel, err := r.bulkContext(ctx)
	if err != nil {
		return halo.Snapshot{}, 0, err
	}
	defer cancel()
	start := time.Now()
	snap, err := client.Pull(hctx, progress)
	if progress != nil {
		r.redraw("")
	}
	elapsed := time.Since(start)
	if err != nil {
		if rerr := storage.SaveSyncRun(ctx, r.db, p.ID, nil, start, elapsed, err); rerr != nil {
			fmt.Fprintf(r.env.Stderr, "warning: the failed sync could not be saved to history: %v\n", rerr)
		}
		return snap, elapsed, pullError{err}
	}
	if err := storage.SaveSyncRun(ctx, r.db, p.ID, &snap, start, elapsed, nil); err != nil {
		return snap, elapsed, storeError{fmt.Errorf("the pull worked but storing it failed (the previous data is kept): %w", err)}
	}
	return snap, elapsed, nil
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
