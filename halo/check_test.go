package halo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

func statuses(r halo.Report) map[string]halo.Status {
	m := map[string]halo.Status{}
	for _, c := range r.Checks {
		m[c.ID] = c.Status
	}
	return m
}

func TestRunCheckScenarios(t *testing.T) {
	const (
		P = halo.StatusPass
		W = halo.StatusWarn
		F = halo.StatusFail
		S = halo.StatusSkip
	)
	tests := []struct {
		name   string
		sc     halotest.Scenario
		mod    func(*halo.Config, *halotest.Server)
		want   []halo.Status // in CheckIDs order
		ok     bool
		steps  map[string]string // check id → expected step
		detail map[string]string // check id → expected detail fragment
		snap   bool
	}{
		{name: "demo", sc: halotest.Demo(), want: []halo.Status{P, P, P, P, P, P, P, P, P}, ok: true, snap: true,
			detail: map[string]string{"agents": "41 agents visible: 40 enabled, 1 disabled, 1 API-only", "identity": "1stream API", "token": "tenant=contoso-msp"}},
		{name: "hosted, tenant required", sc: halotest.Scenario{RequireTenant: true}, want: []halo.Status{P, P, P, P, P, P, P, P, P}, ok: true, snap: true},
		{name: "on-prem", sc: halotest.Scenario{OnPrem: true}, want: []halo.Status{P, P, P, P, P, P, P, P, P}, ok: true, snap: true,
			detail: map[string]string{"halo": "no tenant"}},
		{name: "no authinfo", sc: halotest.Scenario{NoAuthInfo: true, OnPrem: true}, want: []halo.Status{P, P, W, P, P, P, P, P, P}, ok: true, snap: true,
			steps: map[string]string{"halo": "halo-4"}, detail: map[string]string{"halo": "discovery (/api/authinfo) was unavailable (HTTP 404); using the standard"}},
		{name: "authinfo is an HTML 404: not Halo", sc: halotest.Scenario{AuthInfoHTML404: true}, want: []halo.Status{P, P, F, S, S, S, S, S, S},
			steps: map[string]string{"halo": "1s-10"}, detail: map[string]string{"halo": "were not sent", "token": "did not answer like Halo"}},
		{name: "trial auth host", sc: halotest.Scenario{TrialAuth: true, RequireTenant: true}, want: []halo.Status{P, P, P, P, P, P, P, P, P}, ok: true, snap: true},
		{name: "bad credentials", sc: halotest.Demo(), mod: func(c *halo.Config, _ *halotest.Server) { c.ClientSecret = "not-the-secret" },
			want: []halo.Status{P, P, P, F, S, S, S, S, S}, steps: map[string]string{"token": "halo-12"},
			detail: map[string]string{"token": "Client ID or Secret is wrong", "agents": "no access token"}},
		{name: "swapped credentials", sc: halotest.Demo(), mod: func(c *halo.Config, s *halotest.Server) {
			c.ClientID, c.ClientSecret = s.ClientSecret(), s.ClientID()
		}, want: []halo.Status{P, P, P, F, S, S, S, S, S}, detail: map[string]string{"token": "swapped"}},
		{name: "invalid scope", sc: halotest.Scenario{InvalidScope: true}, want: []halo.Status{P, P, P, F, S, S, S, S, S},
			steps: map[string]string{"token": "halo-10"}},
		{name: "grant not allowed", sc: halotest.Scenario{GrantNotAllowed: true}, want: []halo.Status{P, P, P, F, S, S, S, S, S},
			steps: map[string]string{"token": "halo-9"}},
		{name: "API agent in no team", sc: halotest.Scenario{APIAgentInNoTeam: true}, want: []halo.Status{P, P, P, P, F, W, W, W, P},
			steps:  map[string]string{"identity": "halo-notice", "agents": "not-seeing", "teams": "not-seeing"},
			detail: map[string]string{"agents": "Not seeing Halo users?"}},
		{name: "login agent is not API-only", sc: halotest.Scenario{APIAgentNotAPIOnly: true}, want: []halo.Status{P, P, P, P, W, P, P, P, P}, ok: true, snap: true,
			steps: map[string]string{"identity": "halo-notice"}, detail: map[string]string{"identity": "normal (licensed) agent"}},
		{name: "no default team", sc: halotest.Scenario{NoDefaultTeam: true}, want: []halo.Status{P, P, P, P, W, P, P, P, P}, ok: true, snap: true,
			detail: map[string]string{"identity": "no Default Team"}},
		{name: "multi-tenancy", sc: halotest.Scenario{Organisations: 3}, want: []halo.Status{P, P, P, P, P, P, P, P, W}, ok: true, snap: true,
			steps: map[string]string{"organisations": "not-seeing"}},
		{name: "forbidden", sc: halotest.Scenario{Forbidden: true}, want: []halo.Status{P, P, P, P, P, F, F, F, W, F, F, F},
			steps: map[string]string{"agents": "halo-notice", "contacts": "agent-perm-users"}},
		{name: "contacts forbidden", sc: halotest.Scenario{Contacts: halotest.ContactScenario{ContactsForbidden: true}},
			want: []halo.Status{P, P, P, P, P, P, P, P, P, F, P, P}, snap: true,
			steps:  map[string]string{"contacts": "agent-perm-users"},
			detail: map[string]string{"contacts": "screen pops will not work"}},
		{name: "customers forbidden with 401", sc: halotest.Scenario{Contacts: halotest.ContactScenario{CustomersForbidden: true, DenyStatus: 401}},
			want: []halo.Status{P, P, P, P, P, P, P, P, P, P, F, P}, snap: true,
			steps: map[string]string{"customers": "agent-perm-customers"}},
		{name: "tickets forbidden", sc: halotest.Scenario{Contacts: halotest.ContactScenario{TicketsForbidden: true}},
			want: []halo.Status{P, P, P, P, P, P, P, P, P, P, P, F}, snap: true,
			steps: map[string]string{"tickets": "agent-perm-tickets"}, detail: map[string]string{"tickets": "call logging"}},
		{name: "no contacts visible", sc: halotest.Scenario{Contacts: halotest.ContactScenario{NoContacts: true, NoTickets: true}},
			want: []halo.Status{P, P, P, P, P, P, P, P, P, W, P, W}, ok: true, snap: true,
			steps: map[string]string{"contacts": "agent-perm-users"}, detail: map[string]string{"contacts": "No contacts visible: 1stream cannot pop any caller"}},
		{name: "no TopLevel", sc: halotest.Scenario{NoTopLevel: true}, want: []halo.Status{P, P, P, P, P, P, P, P, P}, ok: true, snap: true,
			detail: map[string]string{"departments": "memberships"}},
		{name: "no organisation access", sc: halotest.Scenario{NoOrgAccess: true}, want: []halo.Status{P, P, P, P, P, P, P, P, W}, ok: true, snap: true,
			steps: map[string]string{"organisations": "not-seeing"}, detail: map[string]string{"organisations": "HTTP 403"}},
		{name: "no organisation endpoint", sc: halotest.Scenario{OrganisationError: 404}, want: []halo.Status{P, P, P, P, P, P, P, P, W}, ok: true, snap: true,
			steps: map[string]string{"organisations": "not-seeing"}, detail: map[string]string{"organisations": "HTTP 404"}},
		{name: "organisations: server error", sc: halotest.Scenario{OrganisationError: 500}, want: []halo.Status{P, P, P, P, P, P, P, P, F},
			steps: map[string]string{"organisations": "1s-14"}, detail: map[string]string{"organisations": "server error"}},
		{name: "organisations: rate limited", sc: halotest.Scenario{OrganisationError: 429}, mod: func(c *halo.Config, _ *halotest.Server) {
			c.Sleep = newFakeClock().Sleep
			c.MaxRetryWait = 20 * time.Second
		}, want: []halo.Status{P, P, P, P, P, P, P, P, F}, steps: map[string]string{"organisations": "1s-14"},
			detail: map[string]string{"organisations": "rate limit"}},
		{name: "wrapped lists", sc: halotest.Scenario{Wrapped: true}, want: []halo.Status{P, P, P, P, P, P, P, P, P}, ok: true, snap: true},
		{name: "paged lists", sc: halotest.Scenario{Paged: true}, mod: func(c *halo.Config, _ *halotest.Server) { c.PageSize = 5 },
			want: []halo.Status{P, P, P, P, P, P, P, P, P}, ok: true, snap: true},
		{name: "HTML login page", sc: halotest.Scenario{HTMLLogin: true}, want: []halo.Status{P, P, F, S, S, S, S, S, S},
			detail: map[string]string{"halo": "not a Halo API"}},
		{name: "self-signed TLS, untrusted", sc: halotest.Scenario{TLS: true}, mod: func(c *halo.Config, _ *halotest.Server) { c.HTTPClient = nil },
			want: []halo.Status{P, F, S, S, S, S, S, S, S}, detail: map[string]string{"reachable": "not trusted"}},
		{name: "self-signed TLS with CA file", sc: halotest.Scenario{TLS: true}, mod: func(c *halo.Config, s *halotest.Server) {
			c.HTTPClient = nil
			c.CAFile, _ = s.CAFile()
		}, want: []halo.Status{P, P, P, P, P, P, P, P, P}, ok: true, snap: true, detail: map[string]string{"reachable": "TLS 1.3"}},
		{name: "bad CA file", sc: halotest.Demo(), mod: func(c *halo.Config, _ *halotest.Server) { c.HTTPClient, c.CAFile = nil, "/nonexistent.pem" },
			want: []halo.Status{P, F, S, S, S, S, S, S, S}},
		{name: "invalid URL", sc: halotest.Demo(), mod: func(c *halo.Config, _ *halotest.Server) { c.URL = "ftp://halo" },
			want: []halo.Status{F, S, S, S, S, S, S, S, S}, steps: map[string]string{"url": "1s-10"}},
	}
	for _, tc := range tests {
		// The first-call checks run after the token: they pass on the
		// simulator's data, or are skipped with the rest.
		if len(tc.want) == 9 {
			next := S
			if tc.want[3] == P {
				next = P
			}
			tc.want = append(tc.want, next, next, next)
		}
		t.Run(tc.name, func(t *testing.T) {
			s, cfg := start(t, tc.sc)
			if tc.mod != nil {
				tc.mod(&cfg, s)
			}
			var mu sync.Mutex
			var events []halo.CheckResult
			rep := halo.RunCheck(context.Background(), cfg, func(c halo.CheckResult) {
				mu.Lock()
				defer mu.Unlock()
				events = append(events, c)
			})
			got := make([]halo.Status, len(rep.Checks))
			for i, c := range rep.Checks {
				got[i] = c.Status
				if c.ID != halo.CheckIDs()[i] || c.Title == "" {
					t.Fatalf("check %d = %+v", i, c)
				}
				if (c.Status == halo.StatusFail || c.Status == halo.StatusWarn) && c.Fix == "" {
					t.Errorf("%s is %s without a fix: %+v", c.ID, c.Status, c)
				}
				if c.Status == halo.StatusSkip && c.Detail == "" {
					t.Errorf("%s skipped without a reason", c.ID)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("statuses %v, want %v\n%s", got, tc.want, rep.Markdown())
			}
			if rep.OK != tc.ok {
				t.Fatalf("OK = %v, want %v", rep.OK, tc.ok)
			}
			for id, step := range tc.steps {
				if c := rep.Check(id); c.Step != step {
					t.Errorf("%s step %q, want %q (%s)", id, c.Step, step, c.Detail)
				}
			}
			for id, frag := range tc.detail {
				if c := rep.Check(id); !strings.Contains(c.Detail, frag) {
					t.Errorf("%s detail %q, want it to contain %q", id, c.Detail, frag)
				}
			}
			if (rep.Snapshot != nil) != tc.snap {
				t.Fatalf("snapshot %v, want %v", rep.Snapshot != nil, tc.snap)
			}
			if rep.Snapshot != nil {
				for _, c := range rep.Checks {
					if c.Status == halo.StatusFail && c.ID != halo.CheckContacts && c.ID != halo.CheckCustomers && c.ID != halo.CheckTickets {
						t.Fatalf("a failed check (%s) carries a snapshot", c.ID)
					}
				}
			}
			if rep.Snapshot != nil && len(rep.Snapshot.Agents) != rep.Agents.Visible {
				t.Fatalf("snapshot agents %d, counted %d", len(rep.Snapshot.Agents), rep.Agents.Visible)
			}
			// Every check that ran reported "running" first, then exactly one final result.
			finals := map[string]int{}
			running := map[string]bool{}
			for _, e := range events {
				if e.Status == halo.StatusRunning {
					running[e.ID] = true
					continue
				}
				finals[e.ID]++
				if e.Status != halo.StatusSkip && !running[e.ID] {
					t.Errorf("%s finished without a running event", e.ID)
				}
			}
			for _, id := range halo.CheckIDs() {
				if finals[id] != 1 {
					t.Errorf("%s: %d final events", id, finals[id])
				}
			}
			if cfg.ClientSecret != "" {
				b, _ := json.Marshal(rep)
				if bytes.Contains(b, []byte(cfg.ClientSecret)) || strings.Contains(rep.Markdown(), cfg.ClientSecret) {
					t.Fatal("the secret leaked into the report")
				}
			}
		})
	}
}

func TestReportJSONContract(t *testing.T) {
	s, cfg := start(t, halotest.Demo())
	rep := halo.RunCheck(context.Background(), cfg, nil)
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]json.RawMessage) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	if got, want := keys(top), []string{"agents", "checks", "departments", "instance", "ok", "onestream", "organisations", "teams"}; !slices.Equal(got, want) {
		t.Fatalf("top-level keys %v, want %v", got, want)
	}
	var one map[string]json.RawMessage
	json.Unmarshal(top["onestream"], &one)
	if got, want := keys(one), []string{"api_key", "crm_company", "crm_details_link", "crm_platform", "endpoint"}; !slices.Equal(got, want) {
		t.Fatalf("onestream keys %v", got)
	}
	var ag map[string]json.RawMessage
	json.Unmarshal(top["agents"], &ag)
	if got, want := keys(ag), []string{"api_only", "disabled", "enabled", "visible"}; !slices.Equal(got, want) {
		t.Fatalf("agents keys %v", got)
	}
	var checks []map[string]json.RawMessage
	json.Unmarshal(top["checks"], &checks)
	for _, c := range checks {
		k := keys(c)
		if !slices.Equal(k, []string{"detail", "fix", "id", "ms", "status", "title"}) && !slices.Equal(k, []string{"detail", "fix", "id", "ms", "status", "step", "title"}) {
			t.Fatalf("check keys %v", k)
		}
	}
	var back struct {
		OK        bool               `json:"ok"`
		Instance  string             `json:"instance"`
		Checks    []halo.CheckResult `json:"checks"`
		OneStream halo.FormValues    `json:"onestream"`
		Agents    halo.AgentCounts   `json:"agents"`
		Teams     int                `json:"teams"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	want := halo.FormValues{CRMPlatform: "HaloPSA", CRMCompany: "contoso-msp", APIKey: s.ClientID(), Endpoint: s.URL() + "/api/", CRMDetailsLink: s.URL() + "/"}
	if !back.OK || back.Instance != s.URL() || back.OneStream != want || back.Agents.Visible != 41 || back.Teams != 7 || len(back.Checks) != len(halo.CheckIDs()) {
		t.Fatalf("decoded %+v", back)
	}
	for i := range back.Checks {
		back.Checks[i].Duration = rep.Checks[i].Duration.Truncate(1e6)
	}
	for i, c := range back.Checks {
		r := rep.Checks[i]
		r.Duration = r.Duration.Truncate(1e6)
		if !reflect.DeepEqual(c, r) {
			t.Fatalf("check round trip %+v != %+v", c, r)
		}
	}
}

func TestReportMarkdown(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{APIAgentInNoTeam: true})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	md := rep.Markdown()
	for _, want := range []string{"# Halo systems check: problems found", "| API agent | ❌ fail |", "## What to do", "checklist step not-seeing",
		"| CRM Platform | HaloPSA |", "| CRM Company | contoso-msp |", "| Endpoint | " + cfg.URL + "/api/ |", "not included in this report"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, cfg.ClientSecret) {
		t.Fatal("secret in markdown")
	}
}

func TestSecretNeverLogged(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, sc := range []halotest.Scenario{halotest.Demo(), {InvalidScope: true}} {
		_, cfg := start(t, sc)
		cfg.Logger = logger
		halo.RunCheck(context.Background(), cfg, nil)
		cfg.ClientSecret += "x" // a wrong secret must not leak either
		rep := halo.RunCheck(context.Background(), cfg, nil)
		b, _ := json.Marshal(rep)
		if bytes.Contains(b, []byte(cfg.ClientSecret)) {
			t.Fatal("secret in report")
		}
	}
	if buf.Len() == 0 {
		t.Fatal("nothing was logged")
	}
	if strings.Contains(buf.String(), halotest.DefaultClientSecret) || strings.Contains(buf.String(), "halotest.") {
		t.Fatalf("secret or token in the log:\n%s", buf.String())
	}
}

func TestRunCheckCancel(t *testing.T) {
	_, cfg := start(t, halotest.Demo())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep := halo.RunCheck(ctx, cfg, func(c halo.CheckResult) {
		if c.ID == halo.CheckToken && c.Status == halo.StatusPass {
			cancel()
		}
	})
	if rep.OK {
		t.Fatal("cancelled check reported OK")
	}
	for _, c := range rep.Checks[4:] {
		if c.Status != halo.StatusSkip || c.Detail != "Cancelled." {
			t.Fatalf("%s after cancel: %s %q", c.ID, c.Status, c.Detail)
		}
	}
	if rep.Check(halo.CheckToken).Status != halo.StatusPass {
		t.Fatal("token result lost")
	}

	// Cancelled before it starts: everything is skipped.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	rep = halo.RunCheck(ctx2, cfg, nil)
	if rep.OK || statuses(rep)[halo.CheckURL] != halo.StatusSkip {
		t.Fatalf("pre-cancelled: %+v", rep.Checks)
	}
}

func TestRunCheckReportsPullProgress(t *testing.T) {
	srv := halotest.New(halotest.Scenario{Paged: true, AgentsCount: 120})
	defer srv.Close()
	var mu sync.Mutex
	var events []halo.PullProgress
	cfg := halo.Config{URL: srv.URL(), ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(), PageSize: 25,
		OnPull: func(p halo.PullProgress) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, p)
		}}
	rep := halo.RunCheck(context.Background(), cfg, nil)
	if !rep.OK || rep.Snapshot == nil {
		t.Fatalf("check failed: %+v", rep.Checks)
	}
	mu.Lock()
	defer mu.Unlock()
	var maxPages, maxAgents int
	for _, e := range events {
		maxPages = max(maxPages, e.Pages)
		maxAgents = max(maxAgents, e.Agents)
	}
	if maxPages < 2 || maxAgents < 25 {
		t.Fatalf("progress events do not show pages and agents: %+v", events)
	}
}

// A failed check must not offer the data it did fetch: with the API agent in
// no team Halo returns only the API agent itself, and that one-agent list
// would replace the full roster stored by an earlier pull.
func TestFailedCheckCarriesNoSnapshot(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{APIAgentInNoTeam: true})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	if rep.OK || rep.Check(halo.CheckIdentity).Status != halo.StatusFail {
		t.Fatalf("the identity check should fail: %s", rep.Markdown())
	}
	if rep.Agents.Visible != 1 || s.PathCount("/api/agent") == 0 {
		t.Fatalf("the agents were not fetched (%d visible): the test proves nothing", rep.Agents.Visible)
	}
	if rep.Snapshot != nil {
		t.Fatalf("failed check carries a snapshot of %d agents", len(rep.Snapshot.Agents))
	}
}

// Only "may not / cannot list organisations" (403, 404) is tolerated; any
// other failure of /Organisation is reported with its own words and fix and
// fails the pull instead of storing an empty organisation list.
func TestOrganisationErrors(t *testing.T) {
	multi := halo.AdviceFor(halo.AdviceOrganisationsNone).Fix
	tests := []struct {
		name   string
		sc     halotest.Scenario
		status halo.Status
		kind   halo.ErrorKind // of Pull's error; "" when Pull succeeds
	}{
		{"403", halotest.Scenario{NoOrgAccess: true}, halo.StatusWarn, ""},
		{"404", halotest.Scenario{OrganisationError: 404}, halo.StatusWarn, ""},
		{"500", halotest.Scenario{OrganisationError: 500}, halo.StatusFail, halo.KindServer},
		{"503 after retries", halotest.Scenario{OrganisationError: 503}, halo.StatusFail, halo.KindServer},
		{"429 after retries", halotest.Scenario{OrganisationError: 429}, halo.StatusFail, halo.KindRateLimited},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, cfg := start(t, tc.sc)
			cfg.Sleep = newFakeClock().Sleep
			cfg.MaxRetryWait = 20 * time.Second
			rep := halo.RunCheck(context.Background(), cfg, nil)
			org := rep.Check(halo.CheckOrganisations)
			if org.Status != tc.status {
				t.Fatalf("organisations %s, want %s: %s", org.Status, tc.status, org.Detail)
			}
			snap, err := newClient(t, cfg).Pull(context.Background(), nil)
			if tc.kind == "" {
				if org.Fix != multi || !rep.OK || rep.Snapshot == nil || rep.Snapshot.Organisations != nil {
					t.Fatalf("tolerated: fix %q, ok %v, snapshot %v", org.Fix, rep.OK, rep.Snapshot)
				}
				if err != nil || len(snap.Agents) == 0 || snap.Organisations != nil {
					t.Fatalf("Pull: %d agents, orgs %v, %v", len(snap.Agents), snap.Organisations, err)
				}
				return
			}
			want := halo.AdviceFor(string(tc.kind))
			if org.Fix != want.Fix || org.Step != want.Step || strings.Contains(org.Detail, "multi-tenancy") {
				t.Fatalf("organisations detail %q fix %q, want the %s fix", org.Detail, org.Fix, tc.kind)
			}
			if rep.OK || rep.Snapshot != nil || rep.Organisations != 0 {
				t.Fatalf("ok %v, snapshot %v", rep.OK, rep.Snapshot != nil)
			}
			wantError(t, err, tc.kind, want.Step)
			if len(snap.Agents) != 0 {
				t.Fatal("Pull returned data with its error")
			}
		})
	}
}
