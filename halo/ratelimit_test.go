package halo_test

import (
	"context"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// rateLimited sets up a Halo that allows 3 requests per minute on the fake
// clock, with the client-side limiter off so the server's 429s are hit.
func rateLimited(t *testing.T, retryAfter bool) (*halotest.Server, halo.Config, *fakeClock) {
	clock := newFakeClock()
	s, cfg := start(t, halotest.Scenario{RateLimit: 3, RateWindow: time.Minute, RateLimitRetryAfter: retryAfter, Now: clock.Now})
	cfg.RateLimit = -1
	cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
	return s, cfg, clock
}

func TestRateLimit429WithRetryAfter(t *testing.T) {
	s, cfg, clock := rateLimited(t, true)
	c := newClient(t, cfg)
	ctx := context.Background()
	// authinfo + token + Me = 3 requests: the 4th call gets a 429.
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	if _, err := c.Teams(ctx); err != nil {
		t.Fatalf("Teams after 429: %v", err)
	}
	if s.Rejected() != 1 {
		t.Fatalf("%d rejected, want 1", s.Rejected())
	}
	// Retry-After said exactly how long until the oldest request leaves the window.
	if got := clock.Sleeps(); len(got) != 1 || got[0] != 50*time.Second {
		t.Fatalf("sleeps %v, want [50s]", got)
	}
}

func TestRateLimit429Backoff(t *testing.T) {
	s, cfg, clock := rateLimited(t, false)
	c := newClient(t, cfg)
	ctx := context.Background()
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Teams(ctx); err != nil {
		t.Fatalf("Teams after 429s: %v", err)
	}
	// 5 s, 10 s, 20 s, 40 s (each up to a quarter longer) until the window
	// frees up after 60 s.
	sleeps := clock.Sleeps()
	if len(sleeps) < 3 || s.Rejected() != len(sleeps) {
		t.Fatalf("sleeps %v, rejected %d", sleeps, s.Rejected())
	}
	base := 5 * time.Second
	for i, d := range sleeps {
		lo := min(base<<i, 60*time.Second)
		if d < lo || d > lo+lo/4 {
			t.Fatalf("backoff %d = %v, want in [%v, %v]", i, d, lo, lo+lo/4)
		}
	}
}

func TestRateLimitGivesUp(t *testing.T) {
	_, cfg, clock := rateLimited(t, true)
	cfg.MaxRetryWait = 30 * time.Second // less than the 60 s window
	c := newClient(t, cfg)
	ctx := context.Background()
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := c.Teams(ctx)
	he := wantError(t, err, halo.KindRateLimited, "1s-14")
	if he.Status != 429 || he.Description == "" {
		t.Fatalf("%+v", he)
	}
	if len(clock.Sleeps()) != 0 {
		t.Fatalf("waited %v although Retry-After exceeded the budget", clock.Sleeps())
	}
}

// Retry-After: 0 or a date in the past waits at least a second instead of
// retrying at once.
func TestRetryAfterZeroOrPastWaitsAtLeastOneSecond(t *testing.T) {
	for _, ra := range []string{"0", "Fri, 27 Nov 2026 08:00:00 GMT"} {
		clock := newFakeClock()
		s, cfg := start(t, halotest.Scenario{RateLimit: 2, RateWindow: 5 * time.Second, RetryAfter: ra, Now: clock.Now})
		cfg.RateLimit = -1
		cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
		// authinfo + token fill the window: Me is refused until it passes.
		if _, err := newClient(t, cfg).Me(context.Background()); err != nil {
			t.Fatalf("Retry-After %q: %v", ra, err)
		}
		sleeps := clock.Sleeps()
		if s.Rejected() == 0 || len(sleeps) != s.Rejected() {
			t.Fatalf("Retry-After %q: %d rejected, sleeps %v", ra, s.Rejected(), sleeps)
		}
		for _, d := range sleeps {
			if d < time.Second {
				t.Fatalf("Retry-After %q: waited %v, want at least 1s (%v)", ra, d, sleeps)
			}
		}
	}
}

func TestClientLimiterKeepsUnderServerLimit(t *testing.T) {
	clock := newFakeClock()
	s, cfg := start(t, halotest.Scenario{RateLimit: 5, RateWindow: time.Minute, Now: clock.Now})
	cfg.RateLimit, cfg.RateWindow = 5, time.Minute
	cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
	c := newClient(t, cfg)
	for range 10 {
		if _, err := c.Me(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if s.Rejected() != 0 {
		t.Fatalf("server rejected %d requests: the limiter let too many through", s.Rejected())
	}
	if s.Requests() != 12 || len(clock.Sleeps()) == 0 {
		t.Fatalf("%d requests, sleeps %v", s.Requests(), clock.Sleeps())
	}
	// 12 requests at 5 per minute (+1% margin) take at least two windows.
	if elapsed := clock.Now().Sub(newFakeClock().Now()); elapsed < 2*time.Minute {
		t.Fatalf("fake time elapsed %v, want ≥ 2 min", elapsed)
	}
}

func TestSmallWorkloadNotSlowedByLimiter(t *testing.T) {
	clock := newFakeClock()
	_, cfg := start(t, halotest.Demo())
	cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
	rep := halo.RunCheck(context.Background(), cfg, nil)
	if !rep.OK || len(clock.Sleeps()) != 0 {
		t.Fatalf("ok=%v sleeps=%v", rep.OK, clock.Sleeps())
	}
}

func TestOnWaitReports(t *testing.T) {
	_, cfg, _ := rateLimited(t, true)
	var reasons []halo.ErrorKind
	cfg.OnWait = func(reason halo.ErrorKind, d time.Duration) { reasons = append(reasons, reason) }
	c := newClient(t, cfg)
	c.Me(context.Background())
	if _, err := c.Teams(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(reasons) != 1 || reasons[0] != halo.KindRateLimited {
		t.Fatalf("OnWait reasons %v", reasons)
	}
}

// Halo counts requests per instance, and the GUI builds a new Client for
// every check, re-run, Detect and sync: clients on the real clock share one
// budget per host. Clients of other hosts, and clients on a fake clock,
// keep their own.
func TestRateLimiterSharedPerHost(t *testing.T) {
	// An hour-long window: a request that has to wait would wait an hour,
	// so a short deadline tells "waited" from "sent" without timing.
	const limit, window = 5, time.Hour
	s, cfg := start(t, halotest.Demo())
	cfg.RateLimit, cfg.RateWindow = limit, window
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	a := newClient(t, cfg)
	if _, err := a.Me(ctx); err != nil { // authinfo, token, Agent/me
		t.Fatal(err)
	}
	b := newClient(t, cfg)
	if err := b.Authenticate(ctx); err != nil { // authinfo, token: 5 in all
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	_, err := b.Me(short)
	wantError(t, err, halo.KindTimeout, "")
	if n := s.Requests(); n != limit {
		t.Fatalf("%d requests reached Halo: the second client's 6th request overall should have waited", n)
	}

	s2, cfg2 := start(t, halotest.Demo())
	cfg2.RateLimit, cfg2.RateWindow = limit, window
	if _, err := newClient(t, cfg2).Me(ctx); err != nil || s2.Requests() != 3 {
		t.Fatalf("another host shares the budget: %v, %d requests", err, s2.Requests())
	}

	clock := newFakeClock()
	cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
	if _, err := newClient(t, cfg).Me(ctx); err != nil || len(clock.Sleeps()) != 0 {
		t.Fatalf("a fake-clock client must keep a private limiter: %v, sleeps %v", err, clock.Sleeps())
	}
}
