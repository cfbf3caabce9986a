package halo_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// discard is a SecretBinding.Record that keeps nothing.
func discard(context.Context, string, halo.SecretBinding) (*halo.SecretBinding, error) {
	return nil, nil
}

// originOf is a server's origin as Destination writes it.
func originOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scheme + "://" + u.Host
}

// bindingRecorder is a SecretBinding whose Record keeps what it is given, as
// storage does, unless the binding it holds is no longer the one sealed
// as was: then it hands that one back.
type bindingRecorder struct {
	b     halo.SecretBinding
	calls int
	fail  error
}

func newBindingRecorder(d halo.Destination, secret string) *bindingRecorder {
	r := &bindingRecorder{b: halo.SecretBinding{Dest: d, Seal: d.Seal(secret)}}
	r.b.Record = r.record
	return r
}

func (r *bindingRecorder) record(_ context.Context, was string, now halo.SecretBinding) (*halo.SecretBinding, error) {
	r.calls++
	switch {
	case r.fail != nil:
		return nil, r.fail
	case was != r.b.Seal:
		return &halo.SecretBinding{Dest: r.b.Dest, Seal: r.b.Seal}, nil
	}
	r.b.Dest, r.b.Seal = now.Dest, now.Seal
	return nil, nil
}

func (r *bindingRecorder) binding() *halo.SecretBinding { b := r.b; return &b }

// The authorisation server named by /api/authinfo is bound like the URL:
// recorded at the secret's first use, and a later answer naming another
// server gets no token request at all.
func TestDiscoveredAuthServerIsBoundAtFirstUse(t *testing.T) {
	ctx := context.Background()
	home, cfg := start(t, halotest.Demo())
	other, _ := start(t, halotest.Demo()) // accepts the same Client ID and Secret
	here, err := halo.DestinationOf(cfg)
	if err != nil {
		t.Fatal(err)
	}
	login := func(r *bindingRecorder) error {
		c := cfg
		c.SecretFor = r.binding()
		return newClient(t, c).Authenticate(ctx)
	}

	rec := newBindingRecorder(here, cfg.ClientSecret)
	if err := login(rec); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if rec.calls != 1 || rec.b.Dest.Found != originOf(t, home.URL()) || !rec.b.Dest.Sealed(cfg.ClientSecret, rec.b.Seal) {
		t.Fatalf("first use recorded %+v (%d calls)", rec.b, rec.calls)
	}
	if err := login(rec); err != nil || rec.calls != 1 {
		t.Fatalf("second use: %v, recorded again: %v", err, rec.calls != 1)
	}

	// authinfo now names another server: nothing is sent there.
	home.SetAuthInfoAuthURL(other.URL() + "/auth")
	err = login(rec)
	var dc *halo.DestinationChangedError
	if !errors.As(err, &dc) || !dc.AuthServerMoved() || dc.Now.Found != originOf(t, other.URL()) {
		t.Fatalf("moved auth server: %v", err)
	}
	he := wantError(t, err, halo.KindConfig, "halo-13")
	if !strings.Contains(he.Message, "now names the authorisation server") || !strings.Contains(he.Fix, "--keep-secret") {
		t.Errorf("message/fix: %q / %q", he.Message, he.Fix)
	}
	rep := halo.RunCheck(ctx, func() halo.Config { c := cfg; c.SecretFor = rec.binding(); return c }(), nil)
	if c := rep.Check(halo.CheckToken); c.Status != halo.StatusFail || !strings.Contains(c.Detail, "was not sent") {
		t.Fatalf("token check = %+v", c)
	}
	if n := other.TokenRequests(); n != 0 {
		t.Fatalf("%d token requests reached the new authorisation server", n)
	}

	// Back at the Halo URL's own origin: bound with the URL anyway.
	home.SetAuthInfoAuthURL("")
	if err := login(rec); err != nil {
		t.Fatalf("back home: %v", err)
	}

	// A record whose Found was edited without the secret is refused.
	forged := *rec
	forged.b.Dest.Found = originOf(t, other.URL())
	home.SetAuthInfoAuthURL(other.URL() + "/auth")
	if err := login(&forged); !errors.As(err, &dc) {
		t.Fatalf("forged Found: %v", err)
	}
	if n := other.TokenRequests(); n != 0 {
		t.Fatalf("%d token requests reached the new authorisation server", n)
	}
}

// A secret stored before the auth server was recorded (or entered again,
// or confirmed) trusts the first answer and records it; one that cannot
// be recorded is not sent.
func TestUnrecordedAuthServerIsRecordedOrNotSent(t *testing.T) {
	ctx := context.Background()
	home, cfg := start(t, halotest.Demo())
	other, _ := start(t, halotest.Demo())
	here, _ := halo.DestinationOf(cfg)
	home.SetAuthInfoAuthURL(other.URL() + "/auth")
	login := func(b *halo.SecretBinding) error {
		c := cfg
		c.SecretFor = b
		return newClient(t, c).Authenticate(ctx)
	}

	failing := newBindingRecorder(here, cfg.ClientSecret)
	failing.fail = errors.New("database is locked")
	if err := login(failing.binding()); err == nil || !strings.Contains(err.Error(), "could not be recorded") {
		t.Fatalf("a failed record: %v", err)
	}
	if err := login(&halo.SecretBinding{Dest: here, Seal: here.Seal(cfg.ClientSecret)}); err == nil {
		t.Fatal("a binding without Record sent the secret unrecorded")
	}
	if n := other.TokenRequests(); n != 0 {
		t.Fatalf("%d token requests went out unrecorded", n)
	}

	legacy := newBindingRecorder(here, cfg.ClientSecret) // as sealed before Found existed
	if err := login(legacy.binding()); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if legacy.b.Dest.Found != originOf(t, other.URL()) || other.TokenRequests() != 1 {
		t.Fatalf("first use recorded %+v", legacy.b.Dest)
	}
	third, _ := start(t, halotest.Demo())
	home.SetAuthInfoAuthURL(third.URL() + "/auth")
	if err := login(legacy.binding()); err == nil || third.TokenRequests() != 0 {
		t.Fatalf("a second move after the first use: %v, %d requests", err, third.TokenRequests())
	}
}

// A hand-set authorisation server is part of the settings: nothing is
// recorded for it.
func TestHandSetAuthServerRecordsNothing(t *testing.T) {
	_, cfg := start(t, halotest.Demo())
	other, _ := start(t, halotest.Demo())
	cfg.AuthURL = other.URL() + "/auth"
	here, _ := halo.DestinationOf(cfg)
	rec := newBindingRecorder(here, cfg.ClientSecret)
	cfg.SecretFor = rec.binding()
	if err := newClient(t, cfg).Authenticate(context.Background()); err != nil || rec.calls != 0 {
		t.Fatalf("hand-set server: %v, %d records", err, rec.calls)
	}
}

// A login that started from a binding read before another one recorded
// the server decides with the binding stored now: the same server passes,
// another is refused as a move.
func TestStaleBindingDecidesWithTheStoredOne(t *testing.T) {
	ctx := context.Background()
	home, cfg := start(t, halotest.Demo())
	other, _ := start(t, halotest.Demo())
	here, _ := halo.DestinationOf(cfg)
	rec := newBindingRecorder(here, cfg.ClientSecret)
	stale := rec.binding() // read before the first use
	c := cfg
	c.SecretFor = rec.binding()
	if err := newClient(t, c).Authenticate(ctx); err != nil {
		t.Fatal(err)
	}
	c.SecretFor = stale
	if err := newClient(t, c).Authenticate(ctx); err != nil || rec.calls != 2 {
		t.Fatalf("stale binding, same server: %v (%d records)", err, rec.calls)
	}
	home.SetAuthInfoAuthURL(other.URL() + "/auth")
	var dc *halo.DestinationChangedError
	if err := newClient(t, c).Authenticate(ctx); !errors.As(err, &dc) || !dc.AuthServerMoved() || other.TokenRequests() != 0 {
		t.Fatalf("stale binding, moved server: %v", err)
	}
}
