package halo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
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

// One page of agents plus a record_count of 5000 must not mean thousands of
// requests: paging stops at the first short page.
func TestPagingStopsAtAShortPageWhateverRecordCountSays(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{Paged: true, MaxPageSize: 10, RecordCount: 5000})
	cfg.RateLimit = -1 // so paging on by record_count would show as 499 requests, not as waits on the limiter
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
