package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

const historyUsage = `history keep [N]

Shows or sets how many runs (checks and syncs) and audit events the history keeps per
profile: the newest N of each (default 200; 0 keeps all). Older ones are removed whenever the
app or a command starts, and at once when N is set here. Of a removed profile, the audit
events naming its users and agents go at once (with 0, they stay).`

func runHistory(ctx context.Context, r *runner, args []string) error {
	return dispatch(ctx, r, args, historyUsage, []subcommand{{[]string{"keep"}, historyKeep}})
}

func historyKeep(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("history keep", historyUsage)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		n, err := r.db.KeepRuns(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(r.env.Stdout, describeKeep(n)+".")
		return nil
	case 1:
	default:
		return usagef("want at most one number N")
	}
	n, err := strconv.Atoi(pos[0])
	if err != nil || n < 0 || n > storage.MaxKeepRuns {
		return usagef("N must be a whole number from 0 (keep all) to %d, not %q", storage.MaxKeepRuns, pos[0])
	}
	if err := r.db.SetKeepRuns(ctx, n); err != nil {
		return err
	}
	pruned, err := r.db.PruneRuns(ctx)
	if err != nil {
		return err
	}
	events, err := r.db.PruneAudit(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "%s (%s removed now, and %s).\n", describeKeep(n),
		halo.CountOf(int(pruned), "older run"), halo.CountOf(int(events), "audit event"))
	return nil
}

func describeKeep(n int) string {
	if n == 0 {
		return "The history keeps every run and audit event"
	}
	return fmt.Sprintf("The history keeps the newest %s and audit events of each profile", halo.CountOf(n, "run"))
}
