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

// fakeClock is shared by the client (Now, Sleep) and halotest (Now), so
// backoffs and rate-limit windows pass instantly but consistently.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
	f.sleeps = append(f.sleeps, d)
	return nil
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// start runs a halotest server for the test and returns it with a config
// that reaches it.
func start(t testing.TB, sc halotest.Scenario) (*halotest.Server, halo.Config) {
	t.Helper()
	s := halotest.New(sc)
	t.Cleanup(s.Close)
	return s, halo.Config{
		URL:          s.URL(),
		ClientID:     s.ClientID(),
		ClientSecret: s.ClientSecret(),
		HTTPClient:   s.Client(),
		UserAgent:    "halo-assistant/test",
	}
}

func newClient(t testing.TB, cfg halo.Config) *halo.Client {
	t.Helper()
	c, err := halo.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// wantError checks err is a *halo.Error of the kind, with a message, a fix
// and the checklist step.
func wantError(t *testing.T, err error, kind halo.ErrorKind, step string) *halo.Error {
	t.Helper()
	var he *halo.Error
	if !errors.As(err, &he) {
		t.Fatalf("error %T %v, want *halo.Error kind %s", err, err, kind)
	}
	if he.Kind != kind {
		t.Fatalf("error kind %s (%v), want %s", he.Kind, he, kind)
	}
	if he.Message == "" || (kind != halo.KindCanceled && he.Fix == "") {
		t.Fatalf("error without message or fix: %#v", he)
	}
	if step != "" && he.Step != step {
		t.Fatalf("error step %q, want %q (%v)", he.Step, step, he)
	}
	return he
}
