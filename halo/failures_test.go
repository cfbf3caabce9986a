package halo_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

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

// A deadline that runs out while Halo is still paging names the request
// that was waiting and the deadline's cause.
func TestDeadlineNamesTheSlowRequest(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{Paged: true, MaxPageSize: 1, Latency: 40 * time.Millisecond})
	cause := errorString("the test's limit ran out")
	ctx, cancel := context.WithTimeoutCause(context.Background(), 400*time.Millisecond, cause)
	defer cancel()
	_, err := newClient(t, cfg).Pull(ctx, nil)
	e := wantError(t, err, halo.KindTimeout, "")
	if !strings.Contains(e.Message, "Halo was still answering /api/Agent (page ") || !strings.Contains(e.Message, string(cause)) {
		t.Fatalf("timeout message %q names neither the page nor the cause", e.Message)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
