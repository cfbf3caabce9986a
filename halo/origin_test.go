package halo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// Error texts a server supplies (code, description, message) are capped on
// a rune boundary and have the secret removed, for the token endpoint and
// for API calls alike.
func TestServerErrorTextsAreCappedAndRedacted(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{GrantNotAllowed: true, EchoErrors: true})
	err := newClient(t, cfg).Authenticate(context.Background())
	he := wantError(t, err, halo.KindAuth, "")
	checkServerText(t, cfg.ClientSecret, he, true)
	rep := halo.RunCheck(context.Background(), cfg, nil)
	tok := rep.Check(halo.CheckToken)
	if tok.Status != halo.StatusFail || strings.Contains(tok.Detail, cfg.ClientSecret) || len(tok.Detail) > 3000 {
		t.Fatalf("token check detail (%d bytes) not bounded or not redacted: %.300q", len(tok.Detail), tok.Detail)
	}
	if s.TokenRequests() == 0 {
		t.Fatal("no token request reached the server")
	}

	_, cfg = start(t, halotest.Scenario{OrganisationError: http.StatusInternalServerError, EchoErrors: true})
	_, err = newClient(t, cfg).Organisations(context.Background())
	he = wantError(t, err, halo.KindServer, "")
	// An error body is read only up to 64 KiB: this one's 400 KB code
	// cannot survive whole, the start of the body stands in as description.
	checkServerText(t, cfg.ClientSecret, he, false)
}

func checkServerText(t *testing.T, secret string, he *halo.Error, wantCode bool) {
	t.Helper()
	for name, v := range map[string]string{"code": he.Code, "description": he.Description, "error": he.Error()} {
		if len(v) > 1200 || !utf8.ValidString(v) || strings.Contains(v, secret) {
			t.Errorf("%s: %d bytes, valid UTF-8 %v, secret %v", name, len(v), utf8.ValidString(v), strings.Contains(v, secret))
		}
	}
	if wantCode && he.Code == "" || he.Description == "" {
		t.Errorf("code %q / description %q dropped instead of capped", he.Code, he.Description)
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

// One page of agents plus a record_count of 5000 must not mean thousands of
// requests: paging stops at the first short page.
func TestPagingStopsAtAShortPageWhateverRecordCountSays(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{Paged: true, MaxPageSize: 10, RecordCount: 5000})
	cfg.RateLimit = -1 // without the fix: 499 requests, not a wait on the limiter
	agents, err := newClient(t, cfg).Agents(context.Background(), halo.AgentOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := s.VisibleAgents(false, false); len(agents) != want {
		t.Fatalf("%d agents, want %d", len(agents), want)
	}
	// The pages with agents, then one batch of page fetches at most.
	if n, most := s.PathCount("/api/agent"), (len(agents)+9)/10+halo.DefaultPageConcurrency; n > most {
		t.Fatalf("%d /api/Agent requests, want at most %d", n, most)
	}
}

// A pull is bounded in bytes and pages with a clear error.
func TestPagingIsBoundedInBytesAndPages(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{Paged: true, MaxPageSize: 5, AgentsCount: 200, Seed: 3})
	cfg.MaxPullBytes = 20 << 10
	_, err := newClient(t, cfg).Agents(context.Background(), halo.AgentOptions{}, nil)
	if he := wantError(t, err, halo.KindBadResponse, ""); !strings.Contains(he.Message, "20 KiB") {
		t.Fatalf("message %q does not name the limit", he.Message)
	}

	s, cfg := start(t, halotest.Scenario{Paged: true, MaxPageSize: 1, AgentsCount: 1100, Seed: 3})
	cfg.RateLimit = -1 // 1000 requests: more than the real clock's budget
	_, err = newClient(t, cfg).Agents(context.Background(), halo.AgentOptions{}, nil)
	if he := wantError(t, err, halo.KindBadResponse, ""); !strings.Contains(he.Message, "1000 pages") {
		t.Fatalf("message %q does not name the page limit", he.Message)
	}
	if n := s.PathCount("/api/agent"); n > 1000 {
		t.Fatalf("%d pages fetched, more than the cap", n)
	}
}
