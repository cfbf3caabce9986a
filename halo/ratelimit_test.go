package halo_test

import (
	"context"
	"errors"
	"sync"
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

func TestFlaky5xx(t *testing.T) {
	clock := newFakeClock()
	s, cfg := start(t, halotest.Scenario{Flaky5xx: 3})
	cfg.Sleep = clock.Sleep
	c := newClient(t, cfg)
	me, err := c.Me(context.Background())
	if err != nil || me.Name == "" {
		t.Fatalf("Me after 503/502/504: %+v %v", me, err)
	}
	if n := s.PathCount("/api/agent/me"); n != 4 {
		t.Fatalf("%d attempts, want 4", n)
	}
	sl := clock.Sleeps()
	if len(sl) != 3 || sl[0] < time.Second || sl[1] < 2*time.Second || sl[2] < 4*time.Second || sl[2] > 5*time.Second {
		t.Fatalf("5xx backoff %v", sl)
	}

	// More failures than retries: a server error with its fix.
	s2, cfg2 := start(t, halotest.Scenario{Flaky5xx: 10})
	cfg2.Sleep = clock.Sleep
	_, err = newClient(t, cfg2).Me(context.Background())
	he := wantError(t, err, halo.KindServer, "1s-14")
	if he.Status < 500 || s2.PathCount("/api/agent/me") != 4 {
		t.Fatalf("%+v after %d attempts", he, s2.PathCount("/api/agent/me"))
	}
}

func TestTokenExpiryAndRevocation(t *testing.T) {
	clock := newFakeClock()
	s, cfg := start(t, halotest.Scenario{TokenTTL: 2 * time.Minute, Now: clock.Now})
	cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
	c := newClient(t, cfg)
	ctx := context.Background()
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if _, err := c.Me(ctx); err != nil || s.TokenRequests() != 1 {
		t.Fatalf("within lifetime: %v, %d token requests", err, s.TokenRequests())
	}
	// Near expiry (a quarter of the lifetime before): renewed proactively,
	// without a 401 round trip.
	clock.Advance(35 * time.Second)
	if _, err := c.Me(ctx); err != nil || s.TokenRequests() != 2 {
		t.Fatalf("near expiry: %v, %d token requests", err, s.TokenRequests())
	}
	before := s.PathCount("/api/agent/me")
	// Halo drops the token (application changed): one 401, one renewal, success.
	s.RevokeTokens()
	if _, err := c.Me(ctx); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if s.TokenRequests() != 3 || s.PathCount("/api/agent/me")-before != 2 {
		t.Fatalf("after revocation: %d token requests, %d calls", s.TokenRequests(), s.PathCount("/api/agent/me")-before)
	}
}

func TestTokenRejectedTwice(t *testing.T) {
	// Halo says a token lasts 1 s but really drops it at once: every API call
	// is refused, and the client gives up after one renewal instead of looping.
	s, cfg := start(t, halotest.Scenario{TokenTTL: time.Nanosecond})
	c := newClient(t, cfg)
	_, err := c.Me(context.Background())
	wantError(t, err, halo.KindAuth, "halo-9")
	if s.TokenRequests() != 2 || s.PathCount("/api/agent/me") != 2 {
		t.Fatalf("%d token requests, %d calls", s.TokenRequests(), s.PathCount("/api/agent/me"))
	}
}

func TestCancelMidPull(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{Paged: true, AgentsCount: 3000, Latency: 20 * time.Millisecond})
	cfg.PageSize = 50
	cfg.PageConcurrency = 2
	c := newClient(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	done := make(chan struct{})
	var snap halo.Snapshot
	var err error
	go func() {
		defer close(done)
		snap, err = c.Pull(ctx, func(p halo.PullProgress) {
			if p.Stage == "agents" && p.Pages >= 3 {
				once.Do(cancel)
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Pull did not stop after cancel")
	}
	wantError(t, err, halo.KindCanceled, "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v does not wrap context.Canceled", err)
	}
	if len(snap.Agents) != 0 {
		t.Fatal("partial snapshot returned")
	}
	if n := s.PathCount("/api/agent"); n >= 60 {
		t.Fatalf("%d of 61 pages requested: cancel did not stop paging", n)
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
