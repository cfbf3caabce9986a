package halo

import (
	"context"
	"strings"
	"sync"
	"time"
)

// limiter keeps at most n requests in any rolling window. It remembers the
// start times of the last n requests: a request may start once the oldest
// of them is a full window old. Small workloads are never delayed.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	times  []time.Time // ring buffer of the last n start times
	head   int         // oldest entry when count == n
	count  int
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
}

func newLimiter(n int, window time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *limiter {
	if n <= 0 || window <= 0 {
		return nil
	}
	return &limiter{n: n, window: window, times: make([]time.Time, n), now: now, sleep: sleep}
}

// wait blocks until one more request fits in the window, then records it.
// A nil limiter never waits.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.mu.Lock()
		now := l.now()
		if l.count < l.n {
			l.times[(l.head+l.count)%l.n] = now
			l.count++
			l.mu.Unlock()
			return nil
		}
		free := l.times[l.head].Add(l.window)
		if !now.Before(free) {
			l.times[l.head] = now
			l.head = (l.head + 1) % l.n
			l.mu.Unlock()
			return nil
		}
		l.mu.Unlock()
		if err := l.sleep(ctx, free.Sub(now)); err != nil {
			return err
		}
	}
}

// limiterKey identifies a shared limiter: Halo counts requests per
// instance, so clients of the same host with the same limit share one.
type limiterKey struct {
	host   string
	n      int
	window time.Duration
}

// shared holds the process-wide limiters of clients on the real clock. The
// GUI builds a new Client for every check, re-run, Detect and sync; with a
// limiter per Client each would get a full budget and together exceed
// Halo's. Entries are never dropped: a client may hold its limiter for
// ever, and a process talks to few hosts.
var shared struct {
	mu sync.Mutex
	m  map[limiterKey]*limiter
}

// sharedLimiter returns the real-clock limiter for host, creating it on
// first use.
func sharedLimiter(host string, n int, window time.Duration) *limiter {
	if n <= 0 || window <= 0 {
		return nil
	}
	k := limiterKey{host: strings.ToLower(host), n: n, window: window}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if l, ok := shared.m[k]; ok {
		return l
	}
	if shared.m == nil {
		shared.m = map[limiterKey]*limiter{}
	}
	l := newLimiter(n, window, time.Now, sleepCtx)
	shared.m[k] = l
	return l
}
