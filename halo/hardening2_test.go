package halo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
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
