package cli

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DefaultCommandTimeout bounds how long one command may spend talking to
// Halo: a server that serves one record per page slowly must not keep an
// RMM job (`status --sync`) running for hours.
const DefaultCommandTimeout = 10 * time.Minute

// timeoutEnv overrides DefaultCommandTimeout (a Go duration such as "30m").
const timeoutEnv = "HALO_ASSISTANT_TIMEOUT"

// haloContext is the context a command talks to Halo with: ctx bounded by
// the command's time limit, whose cause names the limit so a timeout says
// what ran out. Storage work after the call keeps using ctx.
func (r *runner) haloContext(ctx context.Context) (context.Context, context.CancelFunc, error) {
	d := DefaultCommandTimeout
	if v := strings.TrimSpace(r.env.Getenv(timeoutEnv)); v != "" {
		t, err := time.ParseDuration(v)
		if err != nil || t <= 0 {
			return nil, nil, usagef("%s=%q is not a time limit such as 30m", timeoutEnv, v)
		}
		d = t
	}
	cause := fmt.Errorf("the command's time limit of %s ran out (set %s, e.g. %s=30m, to allow longer)", d, timeoutEnv, timeoutEnv)
	hctx, cancel := context.WithTimeoutCause(ctx, d, cause)
	return hctx, cancel, nil
}
