package halo_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// A token endpoint that redirects to another server must not get the Client
// Secret replayed there (Go replays a 307's body), and the check must fail
// at "Client ID and Secret" naming the target, not pass with the other
// server's token.
func TestTokenRedirectToAnotherServerIsRefused(t *testing.T) {
	other, _ := start(t, halotest.Demo()) // same credentials: it would issue a token
	target := other.URL() + "/auth/token"
	s, cfg := start(t, halotest.Scenario{TokenRedirect: target})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	tok := rep.Check(halo.CheckToken)
	if tok.Status != halo.StatusFail || !strings.Contains(tok.Detail, target) || tok.Fix == "" {
		t.Fatalf("token check %+v, want a failure naming %s", tok, target)
	}
	if n := other.TokenRequests(); n != 0 {
		t.Fatalf("the redirect target received %d token requests (the Client Secret)", n)
	}
	if s.TokenRequests() != 1 {
		t.Fatalf("%d token requests to the instance, want 1", s.TokenRequests())
	}
	if strings.Contains(tok.Detail, cfg.ClientSecret) {
		t.Fatal("secret in the detail")
	}
}

// An https Halo whose authinfo names a plain http authorisation server (even
// on a loopback port) is refused before the secret is sent.
func TestAuthInfoDowngradeToHTTPIsRefused(t *testing.T) {
	plain, _ := start(t, halotest.Demo())
	_, cfg := start(t, halotest.Scenario{TLS: true, AuthInfoAuthURL: plain.AuthURL()})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	if h := rep.Check(halo.CheckHalo); h.Status != halo.StatusFail || !strings.Contains(h.Detail, plain.AuthURL()) || !strings.Contains(h.Detail, "plain http") {
		t.Fatalf("halo check %+v, want a failure naming the http auth server", h)
	}
	if tok := rep.Check(halo.CheckToken); tok.Status == halo.StatusPass {
		t.Fatalf("token check passed: %+v", tok)
	}
	if n := plain.TokenRequests(); n != 0 {
		t.Fatalf("the http auth server received %d token requests", n)
	}
	_, err := newClient(t, cfg).Discover(context.Background())
	wantError(t, err, halo.KindTLS, "halo-4")

	// Not on loopback either, where the address alone would be refused:
	// no silent fallback to the standard address.
	_, cfg = start(t, halotest.Scenario{TLS: true, AuthInfoAuthURL: "http://auth.example.com/auth"})
	_, err = newClient(t, cfg).Discover(context.Background())
	wantError(t, err, halo.KindTLS, "halo-4")
}

// Plain http is for literal loopback only: a *.localhost name may be
// resolved through DNS.
func TestPlainHTTPOnlyForLiteralLoopback(t *testing.T) {
	for _, ok := range []string{"http://localhost:8080", "http://127.0.0.1:9", "http://127.8.0.1", "http://[::1]:8080"} {
		if _, err := halo.ParseInstance(ok); err != nil {
			t.Errorf("ParseInstance(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"http://halo.localhost", "http://a.b.localhost:8080", "http://localhost.example.com"} {
		if _, err := halo.ParseInstance(bad); halo.KindOf(err) != halo.KindURL {
			t.Errorf("ParseInstance(%q) = %v, want a url error", bad, err)
		}
	}
	if _, err := halo.NewClient(halo.Config{URL: "https://x.halopsa.com", AuthURL: "http://auth.localhost/auth"}); halo.KindOf(err) != halo.KindURL {
		t.Errorf("http auth URL on a .localhost name: %v, want a url error", err)
	}
}

// An API request redirected to the same host on another port (where Go
// keeps the Authorization header) is refused, naming the target, and the
// target never sees the bearer token.
func TestAPIRedirectToAnotherPortIsRefused(t *testing.T) {
	var bearers, hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			bearers.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	t.Cleanup(other.Close)
	_, cfg := start(t, halotest.Scenario{APIRedirect: other.URL})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	id := rep.Check(halo.CheckIdentity)
	if id.Status != halo.StatusFail || !strings.Contains(id.Detail, other.URL+"/api/Agent/me") || id.Fix == "" {
		t.Fatalf("identity check %+v, want a failure naming %s", id, other.URL)
	}
	if n := bearers.Load(); n != 0 {
		t.Fatalf("the redirect target received the bearer token %d times", n)
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the redirect target received %d requests", n)
	}
}

// /api/authinfo redirected to another origin is not followed: that origin
// would otherwise name the authorisation server that gets the secret.
func TestAuthInfoRedirectToAnotherOriginIsRefused(t *testing.T) {
	other, _ := start(t, halotest.Demo())
	s, cfg := start(t, halotest.Scenario{AuthInfoRedirect: other.URL() + "/api/authinfo"})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	h := rep.Check(halo.CheckHalo)
	if h.Status != halo.StatusFail || !strings.Contains(h.Detail, other.URL()+"/api/authinfo") {
		t.Fatalf("halo check %+v, want a failure naming %s", h, other.URL())
	}
	if n := other.Requests(); n != 0 {
		t.Fatalf("the redirect target received %d requests", n)
	}
	if n := s.TokenRequests() + other.TokenRequests(); n != 0 {
		t.Fatalf("%d token requests carried the secret", n)
	}
}

// An authorisation server on another host than the Halo URL's is a
// warning that names both hosts; the login still goes ahead.
func TestAuthInfoNamingAnotherHostWarns(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{AuthOnLocalhost: true})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	h := rep.Check(halo.CheckHalo)
	if h.Status != halo.StatusWarn || !strings.Contains(h.Detail, "another host, localhost, not 127.0.0.1") {
		t.Fatalf("halo check %+v, want a warning naming localhost", h)
	}
	if tok := rep.Check(halo.CheckToken); tok.Status != halo.StatusPass {
		t.Fatalf("token check %+v", tok)
	}
	// The same host on another port (a trial's separate auth server) is
	// no warning: only the host matters here.
	_, cfg = start(t, halotest.Scenario{TrialAuth: true})
	if h := halo.RunCheck(context.Background(), cfg, nil).Check(halo.CheckHalo); h.Status != halo.StatusPass {
		t.Fatalf("halo check with a trial auth server %+v", h)
	}
}
