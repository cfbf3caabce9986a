package halo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// Names of 1 MiB (agent, team, organisation, and the memberships and
// department fields that repeat them) are clipped where they are decoded,
// and no check detail or report grows with them.
func TestHugeNamesAreClippedWhereDecoded(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{HugeNames: true})
	c := newClient(t, cfg)
	snap, err := c.Pull(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	long := func(what, s string) {
		t.Helper()
		if n := utf8.RuneCountInString(s); n > halo.MaxNameRunes+1 {
			t.Fatalf("%s is %d characters, want at most %d and the mark", what, n, halo.MaxNameRunes)
		}
	}
	clipped := 0
	for _, a := range snap.Agents {
		long("agent name", a.Name)
		long("surname", a.Surname)
		for _, m := range a.Teams {
			long("team membership", m.TeamName)
		}
		if utf8.RuneCountInString(a.Name) == halo.MaxNameRunes+1 {
			clipped++
			if r, _ := utf8.DecodeLastRuneInString(a.Name); r != '…' {
				t.Fatalf("a clipped name does not end in …: %q", a.Name[len(a.Name)-8:])
			}
		}
	}
	for _, tm := range snap.Teams {
		long("team", tm.Name)
	}
	for _, d := range snap.Departments {
		long("department", d.Name)
		long("department's organisation", d.OrganisationName)
	}
	for _, o := range snap.Organisations {
		long("organisation", o.Name)
	}
	if clipped != 1 {
		t.Fatalf("%d agents' names were clipped, want the one huge name", clipped)
	}

	rep := halo.RunCheck(context.Background(), cfg, nil)
	if !rep.OK {
		t.Fatalf("check failed: %+v", rep.Checks)
	}
	for _, ch := range rep.Checks {
		if len(ch.Detail) > 20<<10 {
			t.Fatalf("check %s detail is %d bytes", ch.ID, len(ch.Detail))
		}
	}
	b, _ := json.Marshal(rep)
	if len(b) > 256<<10 {
		t.Fatalf("the report is %d bytes in JSON", len(b))
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

// /api/authinfo is read up to 64 KiB (a larger one is refused before any
// credential is sent), and an error body only up to 64 KiB: the status
// still says what failed, however large the body behind it.
func TestAuthInfoAndErrorBodiesAreReadUpTo64KiB(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{AuthInfoPadding: 1 << 20})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	if h := rep.Check(halo.CheckHalo); h.Status != halo.StatusFail || !strings.Contains(h.Detail, "larger than 64 KiB") {
		t.Fatalf("halo check %+v, want a failure for a 1 MiB authinfo", h)
	}
	if n := s.TokenRequests(); n != 0 {
		t.Fatalf("%d token requests after an oversized authinfo", n)
	}
	_, cfg = start(t, halotest.Scenario{AuthInfoPadding: 60 << 10})
	if h := halo.RunCheck(context.Background(), cfg, nil).Check(halo.CheckHalo); h.Status != halo.StatusPass {
		t.Fatalf("a 60 KiB authinfo: %+v", h)
	}

	// A 400 KB error body, with a response cap that only its first 64 KiB
	// fit under: a server error, not an oversized answer.
	_, cfg = start(t, halotest.Scenario{OrganisationError: http.StatusInternalServerError, EchoErrors: true})
	cfg.MaxResponseBytes = 128 << 10
	_, err := newClient(t, cfg).Organisations(context.Background())
	if he := wantError(t, err, halo.KindServer, ""); he.Status != http.StatusInternalServerError {
		t.Fatalf("status %d", he.Status)
	}
}

// Every list has the same cap on its records: teams, departments and
// organisations as well as agents (across their pages).
func TestEveryListIsCapped(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{Organisations: 3, Paged: true, MaxPageSize: 1})
	cfg.MaxListItems = 1
	c := newClient(t, cfg)
	ctx := context.Background()
	_, err := c.Teams(ctx)
	if e := wantError(t, err, halo.KindBadResponse, ""); !strings.Contains(e.Message, "list of teams has more than 1 records") {
		t.Fatalf("teams: %v", e)
	}
	if _, err := c.Departments(ctx, nil); !strings.Contains(errText(err), "list of departments has more than 1") {
		t.Fatalf("departments: %v", err)
	}
	if _, err := c.Organisations(ctx); !strings.Contains(errText(err), "list of organisations has more than 1") {
		t.Fatalf("organisations: %v", err)
	}
	if _, err := c.Agents(ctx, halo.AgentOptions{}, nil); !strings.Contains(errText(err), "list of agents has more than 1") {
		t.Fatalf("agents (one per page): %v", err)
	}
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
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

// The access token is registered with the redactor once issued: a server
// that echoes the request (its Authorization header) in an error cannot
// get the token into an error text, a log or a report.
func TestAccessTokenIsRedactedFromEchoedErrors(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{OrganisationError: http.StatusInternalServerError, EchoErrors: true})
	_, err := newClient(t, cfg).Organisations(context.Background())
	he := wantError(t, err, halo.KindServer, "")
	if !strings.Contains(he.Description, "Authorization: Bearer ") {
		t.Fatalf("the echo lost the header, so this test proves nothing: %.300q", he.Description)
	}
	if strings.Contains(he.Description, "Bearer halotest.") || strings.Contains(he.Error(), "halotest.") {
		t.Fatalf("the access token is in the error: %.300q", he.Description)
	}
}
