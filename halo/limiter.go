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
// A nil limiter never waits. notify (may be nil) is told each wait before
// it starts.
func (l *limiter) wait(ctx context.Context, notify func(time.Duration)) error {
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
		if notify != nil {
			notify(free.Sub(now))
		}
		if err := l.sleep(ctx, free.Sub(now)); err != nil {
			return err
		}
	}
}

// eta is how long from now until n more requests could all have started,
// if nothing else used the limiter: the free slots at once, then each one
// a full window after the request it replaces (and after the request that
// replaced that one, for n beyond the limit). 0 for a nil limiter.
func (l *limiter) eta(n int) time.Duration {
	if l == nil || n <= 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	free := l.n - l.count
	if n <= free {
		return 0
	}
	// The (free+j+1)-th request waits for the request k places from the
	// oldest of the last n: a recorded one, or one of the free slots taken
	// now; and for j beyond n for the requests that replaced it.
	j := n - free - 1
	start := now
	if k := j % l.n; k < l.count {
		start = l.times[(l.head+k)%l.n]
	}
	t := start.Add(l.window * time.Duration(1+j/l.n))
	if t.Before(now) {
		return 0
	}
	return t.Sub(now)
}

// limiterKey identifies a shared limiter: Halo counts requests per
// instance, so clients of the same host with the same limit share one.
type limiterKey struct {
	host   string
	bulk   bool // the bulk work's share (Config.RateShare), apart from the whole limit
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

// sharedLimiter returns the real-clock limiter for host (its bulk share
// when bulk), creating it on first use.
func sharedLimiter(host string, bulk bool, n int, window time.Duration) *limiter {
	if n <= 0 || window <= 0 {
		return nil
	}
	k := limiterKey{host: strings.ToLower(host), bulk: bulk, n: n, window: window}
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
