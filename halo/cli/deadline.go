package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
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
	d, cause, err := r.commandTimeout()
	if err != nil {
		return nil, nil, err
	}
	hctx, cancel := context.WithTimeoutCause(ctx, d, cause)
	return hctx, cancel, nil
}

// commandTimeout is the command's time limit and the cause its context
// ends with.
func (r *runner) commandTimeout() (d time.Duration, cause, err error) {
	d = DefaultCommandTimeout
	if v := strings.TrimSpace(r.env.Getenv(timeoutEnv)); v != "" {
		t, err := time.ParseDuration(v)
		if err != nil || t <= 0 {
			return 0, nil, usagef("%s=%q is not a time limit such as 30m", timeoutEnv, v)
		}
		d = t
	}
	return d, fmt.Errorf("the command's time limit of %s ran out (set %s, e.g. %s=30m, to allow longer)", d, timeoutEnv, timeoutEnv), nil
}

// bulkContext is haloContext for bulk work (contacts audit, fix and undo,
// sync): the time limit counts the time spent working, not the waits that
// keep the work within Halo's rate limit and its share of it, which make a
// large tenant's pull or fix last longer than any fixed limit by design.
func (r *runner) bulkContext(ctx context.Context) (context.Context, context.CancelFunc, error) {
	d, cause, err := r.commandTimeout()
	if err != nil {
		return nil, nil, err
	}
	pc := newPacedDeadline(ctx)
	var mu sync.Mutex
	end := time.Now().Add(d)
	var timer *time.Timer
	timer = time.AfterFunc(d, func() {
		mu.Lock()
		defer mu.Unlock()
		if left := time.Until(end); left > 0 {
			timer.Reset(left)
			return
		}
		pc.end(context.DeadlineExceeded, cause)
	})
	hctx := halo.WithWaitHook(pc, func(reason halo.ErrorKind, w time.Duration) {
		if reason == halo.KindPacing || reason == halo.KindRateShare {
			mu.Lock()
			end = end.Add(w)
			mu.Unlock()
		}
	})
	return hctx, func() {
		timer.Stop()
		pc.end(context.Canceled, context.Canceled)
	}, nil
}

// pacedDeadline is a context that ends when its parent does or when
// bulkContext's timer says the time limit ran out: then its Err is
// context.DeadlineExceeded and its cause the limit's, as for a deadline,
// so a timeout names the request that was still waiting and the limit.
type pacedDeadline struct {
	parent context.Context
	// causer carries the cause: context.Cause finds it through Value, and
	// contexts derived from this one take it when it ends.
	causer      context.Context
	cancelCause context.CancelCauseFunc
	stop        func() bool
	done        chan struct{}
	mu          sync.Mutex
	err         error
}

func newPacedDeadline(parent context.Context) *pacedDeadline {
	c := &pacedDeadline{parent: parent, done: make(chan struct{})}
	c.causer, c.cancelCause = context.WithCancelCause(context.Background())
	c.stop = context.AfterFunc(parent, func() { c.end(parent.Err(), context.Cause(parent)) })
	return c
}

// end ends the context with err and cause (the first call wins).
func (c *pacedDeadline) end(err, cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.stop()
	c.cancelCause(cause)
	c.err = err
	close(c.done)
}

func (c *pacedDeadline) Deadline() (time.Time, bool) { return c.parent.Deadline() }
func (c *pacedDeadline) Done() <-chan struct{}       { return c.done }

func (c *pacedDeadline) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Value answers from the causer first: it holds no values of its own, only
// what context.Cause looks for.
func (c *pacedDeadline) Value(key any) any {
	if v := c.causer.Value(key); v != nil {
		return v
	}
	return c.parent.Value(key)
}
