package halo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

func TestDiscoverScenarios(t *testing.T) {
	tests := []struct {
		name       string
		sc         halotest.Scenario
		tenant     string // Config.Tenant
		authURL    func(s *halotest.Server) string
		wantSource string
		wantToken  func(s *halotest.Server) string
		wantTenant string
	}{
		{
			name: "hosted with tenant", sc: halotest.Scenario{RequireTenant: true, Tenant: "acme"},
			wantSource: "authinfo", wantTenant: "acme",
			wantToken: func(s *halotest.Server) string { return s.URL() + "/auth/token?tenant=acme" },
		},
		{
			name: "user tenant overrides tenant_id", sc: halotest.Scenario{Tenant: "acme"}, tenant: "  other ",
			wantSource: "authinfo", wantTenant: "other",
			wantToken: func(s *halotest.Server) string { return s.URL() + "/auth/token?tenant=other" },
		},
		{
			name: "on-prem: no tenant", sc: halotest.Scenario{OnPrem: true},
			wantSource: "authinfo", wantTenant: "",
			wantToken: func(s *halotest.Server) string { return s.URL() + "/auth/token" },
		},
		{
			name: "on-prem told 'Not set'", sc: halotest.Scenario{OnPrem: true}, tenant: "Not set",
			wantSource: "authinfo", wantTenant: "",
			wantToken: func(s *halotest.Server) string { return s.URL() + "/auth/token" },
		},
		{
			name: "no authinfo: fallback", sc: halotest.Scenario{NoAuthInfo: true, OnPrem: true},
			wantSource: "fallback", wantTenant: "",
			wantToken: func(s *halotest.Server) string { return s.URL() + "/auth/token" },
		},
		{
			name: "no authinfo: fallback keeps user tenant", sc: halotest.Scenario{NoAuthInfo: true, Tenant: "t1"}, tenant: "t1",
			wantSource: "fallback", wantTenant: "t1",
			wantToken: func(s *halotest.Server) string { return s.URL() + "/auth/token?tenant=t1" },
		},
		{
			name: "trial: separate auth host", sc: halotest.Scenario{TrialAuth: true, RequireTenant: true, Tenant: "Tenant123"},
			wantSource: "authinfo", wantTenant: "Tenant123",
			wantToken: func(s *halotest.Server) string { return s.AuthURL() + "/token?tenant=Tenant123" },
		},
		{
			name: "override: full trial token URL with tenant", sc: halotest.Scenario{TrialAuth: true, RequireTenant: true, NoAuthInfo: true, Tenant: "Tenant123"},
			authURL:    func(s *halotest.Server) string { return s.AuthURL() + "/token?tenant=Tenant123" },
			wantSource: "override", wantTenant: "Tenant123",
			wantToken: func(s *halotest.Server) string { return s.AuthURL() + "/token?tenant=Tenant123" },
		},
		{
			name: "override: auth server URL", sc: halotest.Scenario{TrialAuth: true, Tenant: "x"},
			authURL:    func(s *halotest.Server) string { return s.AuthURL() + "/" },
			wantSource: "override", wantTenant: "x",
			wantToken: func(s *halotest.Server) string { return s.AuthURL() + "/token?tenant=x" },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, cfg := start(t, tc.sc)
			cfg.Tenant = tc.tenant
			if tc.authURL != nil {
				cfg.AuthURL = tc.authURL(s)
			}
			c := newClient(t, cfg)
			ai, err := c.Discover(context.Background())
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if ai.Source != tc.wantSource || ai.Tenant != tc.wantTenant || ai.TokenURL != tc.wantToken(s) {
				t.Fatalf("Discover = %+v, want source %s tenant %q token %s", ai, tc.wantSource, tc.wantTenant, tc.wantToken(s))
			}
			if ai.Source == "fallback" && ai.Warning == "" || ai.Source == "authinfo" && ai.Warning != "" {
				t.Fatalf("warning %q for source %s", ai.Warning, ai.Source)
			}
			if err := c.Authenticate(context.Background()); err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			me, err := c.Me(context.Background())
			if err != nil || me.Name != s.APIAgentName() {
				t.Fatalf("Me = %+v, %v", me, err)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	tests := []struct {
		name  string
		sc    halotest.Scenario
		mod   func(*halo.Config)
		kind  halo.ErrorKind
		code  string
		step  string
		msg   string
		stat  int
		extra func(*testing.T, *halotest.Server)
	}{
		{name: "wrong secret", mod: func(c *halo.Config) { c.ClientSecret = "wrong-secret-value" },
			kind: halo.KindAuth, code: "invalid_client", step: "halo-12", msg: "Client ID or Secret is wrong", stat: 401},
		{name: "wrong client id", mod: func(c *halo.Config) { c.ClientID = "6f0c2a8e-3b1d-4c6e-9a7f-2d8b4e6c1a90" },
			kind: halo.KindAuth, code: "invalid_client", step: "halo-12", msg: "copy it again", stat: 401},
		{name: "invalid scope (app lacks All)", sc: halotest.Scenario{InvalidScope: true},
			kind: halo.KindScope, code: "invalid_scope", step: "halo-10", msg: "permissions", stat: 400},
		{name: "unknown scope configured", mod: func(c *halo.Config) { c.Scope = "read:actions" },
			kind: halo.KindScope, code: "invalid_scope", step: "halo-10", stat: 400,
			extra: func(t *testing.T, s *halotest.Server) {
				if s.LastScope() != "read:actions" {
					t.Errorf("scope sent %q", s.LastScope())
				}
			}},
		{name: "grant not allowed", sc: halotest.Scenario{GrantNotAllowed: true},
			kind: halo.KindGrant, code: "unauthorized_client", step: "halo-9", msg: "Client ID and Secret", stat: 400},
		{name: "wrong tenant", sc: halotest.Scenario{RequireTenant: true}, mod: func(c *halo.Config) { c.Tenant = "nope" },
			kind: halo.KindAuth, code: "invalid_request", step: "halo-4", msg: "Tenant", stat: 400},
		{name: "trial without auth override or authinfo", sc: halotest.Scenario{TrialAuth: true, NoAuthInfo: true},
			kind: halo.KindNotHalo, step: "halo-4", msg: "token endpoint was not found", stat: 404},
		{name: "missing client id", mod: func(c *halo.Config) { c.ClientID = "  " }, kind: halo.KindConfig, step: "halo-13"},
		{name: "missing secret", mod: func(c *halo.Config) { c.ClientSecret = "" }, kind: halo.KindConfig, step: "halo-13"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, cfg := start(t, tc.sc)
			if tc.mod != nil {
				tc.mod(&cfg)
			}
			err := newClient(t, cfg).Authenticate(context.Background())
			he := wantError(t, err, tc.kind, tc.step)
			if he.Code != tc.code || he.Status != tc.stat {
				t.Errorf("code %q status %d, want %q %d", he.Code, he.Status, tc.code, tc.stat)
			}
			if tc.msg != "" && !strings.Contains(he.Message+" "+he.Fix, tc.msg) {
				t.Errorf("message %q / fix %q should mention %q", he.Message, he.Fix, tc.msg)
			}
			if cfg.ClientSecret != "" && strings.Contains(he.Error()+he.Description+he.Fix, cfg.ClientSecret) {
				t.Errorf("secret leaked into the error")
			}
			if tc.extra != nil {
				tc.extra(t, s)
			}
		})
	}
}

func TestTokenIsReusedAndSentAsFormBody(t *testing.T) {
	s, cfg := start(t, halotest.Demo())
	c := newClient(t, cfg)
	ctx := context.Background()
	for range 3 {
		if _, err := c.Me(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Teams(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.TokenRequests(); n != 1 {
		t.Fatalf("%d token requests, want 1 (token reused)", n)
	}
	if s.LastScope() != "all" {
		t.Fatalf("scope %q, want all", s.LastScope())
	}
	ti, err := c.Token(ctx)
	if err != nil || ti.Type != "Bearer" || ti.ExpiresIn != time.Hour || ti.Scope != "all" {
		t.Fatalf("Token() = %+v, %v", ti, err)
	}
	if uas := s.UserAgents(); len(uas) != 1 || uas[0] != "halo-assistant/test" {
		t.Fatalf("User-Agents seen: %q", uas)
	}
}

func TestAgentsListShapes(t *testing.T) {
	shapes := []struct {
		name     string
		sc       halotest.Scenario
		pageSize int
		wantReqs int
	}{
		{"bare array", halotest.Scenario{}, 10, 1},
		{"wrapped", halotest.Scenario{Wrapped: true}, 10, 1},
		{"paged", halotest.Scenario{Paged: true}, 10, 5},
		{"paged, server caps page size", halotest.Scenario{Paged: true, MaxPageSize: 7}, 10, 6},
		{"paged, one page", halotest.Scenario{Paged: true}, 100, 1},
	}
	for _, tc := range shapes {
		t.Run(tc.name, func(t *testing.T) {
			s, cfg := start(t, tc.sc)
			cfg.PageSize = tc.pageSize
			c := newClient(t, cfg)
			var last halo.PullProgress
			agents, err := c.Agents(context.Background(), halo.AgentOptions{IncludeDisabled: true, IncludeAPIAgents: true}, func(p halo.PullProgress) { last = p })
			if err != nil {
				t.Fatal(err)
			}
			if want := s.VisibleAgents(true, true); len(agents) != want {
				t.Fatalf("%d agents, want %d", len(agents), want)
			}
			if n := s.PathCount("/api/Agent"); n != tc.wantReqs {
				t.Fatalf("%d /api/Agent requests, want %d", n, tc.wantReqs)
			}
			if last.Agents != len(agents) || last.Pages != last.PagesTotal || last.Stage != "agents" {
				t.Fatalf("last progress %+v", last)
			}
			seen := map[int]bool{}
			var jose *halo.Agent
			for i, a := range agents {
				if seen[a.ID] {
					t.Fatalf("agent %d twice", a.ID)
				}
				seen[a.ID] = true
				if a.Name == "José Álvarez" {
					jose = &agents[i]
				}
			}
			if jose == nil || jose.Email != "jose.alvarez@contoso-msp.com" || jose.Extension != "201" || jose.Team == "" || len(jose.Teams) == 0 || len(jose.Departments) == 0 || jose.Teams[0].TeamName == "" {
				t.Fatalf("José decoded as %+v", jose)
			}
			// Default filters: Halo hides disabled and API-only agents.
			plain, err := c.Agents(context.Background(), halo.AgentOptions{}, nil)
			if err != nil || len(plain) != s.VisibleAgents(false, false) {
				t.Fatalf("default filter: %d agents, %v; want %d", len(plain), err, s.VisibleAgents(false, false))
			}
		})
	}
}

func TestMeWrappedAndTeamsDepartmentsOrganisations(t *testing.T) {
	for _, wrapped := range []bool{false, true} {
		s, cfg := start(t, halotest.Scenario{Wrapped: wrapped, Organisations: 2})
		c := newClient(t, cfg)
		ctx := context.Background()
		me, err := c.Me(ctx)
		if err != nil || !me.IsAPIAgent || me.Name != "1stream API" || len(me.Teams) != 3 || me.Team != "1st Line Support" {
			t.Fatalf("wrapped=%v: Me = %+v, %v", wrapped, me, err)
		}
		teams, err := c.Teams(ctx)
		if err != nil || len(teams) != s.VisibleTeams() {
			t.Fatalf("Teams = %d, %v; want %d", len(teams), err, s.VisibleTeams())
		}
		inactive := 0
		for _, tm := range teams {
			if tm.Inactive {
				inactive++
			}
			if tm.DepartmentName == "" {
				t.Fatalf("team without department: %+v", tm)
			}
		}
		if inactive != 1 {
			t.Fatalf("%d inactive teams, want 1", inactive)
		}
		agents, err := c.Agents(ctx, halo.AgentOptions{IncludeDisabled: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		deps, err := c.Departments(ctx, agents)
		if err != nil || len(deps) != s.VisibleDepartments() || deps[0].OrganisationName == "" {
			t.Fatalf("Departments = %+v, %v; want %d", deps, err, s.VisibleDepartments())
		}
		orgs, err := c.Organisations(ctx)
		if err != nil || len(orgs) != 2 {
			t.Fatalf("Organisations = %+v, %v", orgs, err)
		}
	}
}

func TestDepartmentsDerivedWithoutTopLevel(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{NoTopLevel: true})
	c := newClient(t, cfg)
	agents, err := c.Agents(context.Background(), halo.AgentOptions{IncludeDisabled: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	deps, err := c.Departments(context.Background(), agents)
	if err != nil || len(deps) != s.VisibleDepartments() {
		t.Fatalf("Departments = %+v, %v", deps, err)
	}
	if deps[0].ID != 1 || deps[0].Name != "Service Desk" {
		t.Fatalf("derived %+v", deps)
	}
}

func TestPull(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{Paged: true, Organisations: 2})
	cfg.PageSize = 8
	c := newClient(t, cfg)
	var stages []string
	snap, err := c.Pull(context.Background(), func(p halo.PullProgress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Agents) != s.VisibleAgents(true, true) || len(snap.Teams) != s.VisibleTeams() || len(snap.Departments) != s.VisibleDepartments() || len(snap.Organisations) != 2 {
		t.Fatalf("snapshot: %d agents, %d teams, %d departments, %d orgs", len(snap.Agents), len(snap.Teams), len(snap.Departments), len(snap.Organisations))
	}
	if stages[len(stages)-1] != "done" {
		t.Fatalf("stages %v", stages)
	}
	// The other organisation's agents are hidden from the API agent.
	names := map[string]bool{}
	for _, a := range snap.Agents {
		names[a.Name] = true
	}
	if len(s.AgentNames()) <= len(snap.Agents) {
		t.Fatalf("multi-tenancy should hide agents: %d total, %d visible", len(s.AgentNames()), len(snap.Agents))
	}
}

func TestDoRawAndDecode(t *testing.T) {
	_, cfg := start(t, halotest.Demo())
	c := newClient(t, cfg)
	ctx := context.Background()
	req, err := c.NewRequest(ctx, http.MethodGet, "Agent/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	if err := c.Do(ctx, req, &raw); err != nil || !strings.Contains(string(raw), `"isapiagent":true`) {
		t.Fatalf("Do raw: %s, %v", raw, err)
	}
	var m map[string]any
	if err := c.Do(ctx, req, &m); err != nil || m["name"] != "1stream API" {
		t.Fatalf("Do map: %v, %v", m, err)
	}
	req, _ = c.NewRequest(ctx, http.MethodGet, "NoSuchThing", nil)
	wantError(t, c.Do(ctx, req, nil), halo.KindNotHalo, "1s-10")
}

func TestAPIErrors(t *testing.T) {
	t.Run("forbidden", func(t *testing.T) {
		_, cfg := start(t, halotest.Scenario{Forbidden: true})
		_, err := newClient(t, cfg).Agents(context.Background(), halo.AgentOptions{}, nil)
		he := wantError(t, err, halo.KindForbidden, "halo-notice")
		if he.Status != 403 || !strings.Contains(he.Message, "login agent lacks permissions") || he.Description == "" {
			t.Fatalf("%+v", he)
		}
	})
	t.Run("html login page", func(t *testing.T) {
		_, cfg := start(t, halotest.Scenario{HTMLLogin: true})
		_, err := newClient(t, cfg).Discover(context.Background())
		he := wantError(t, err, halo.KindNotHalo, "1s-10")
		if !strings.Contains(he.Message, "this URL is not a Halo API") {
			t.Fatalf("%v", he)
		}
	})
	t.Run("html with auth override", func(t *testing.T) {
		s, cfg := start(t, halotest.Scenario{HTMLLogin: true})
		cfg.AuthURL = s.URL() + "/auth"
		err := newClient(t, cfg).Authenticate(context.Background())
		wantError(t, err, halo.KindNotHalo, "")
	})
	t.Run("response too large", func(t *testing.T) {
		_, cfg := start(t, halotest.Demo())
		cfg.MaxResponseBytes = 2000
		_, err := newClient(t, cfg).Agents(context.Background(), halo.AgentOptions{}, nil)
		he := wantError(t, err, halo.KindBadResponse, "")
		if !strings.Contains(he.Message, "larger than") {
			t.Fatal(he)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		c := newClient(t, halo.Config{URL: "http://" + addr, ClientID: "a", ClientSecret: "b"})
		_, err = c.Discover(context.Background())
		he := wantError(t, err, halo.KindNetwork, "1s-10")
		if !strings.Contains(he.Message, "refused") {
			t.Fatal(he)
		}
	})
	t.Run("dns", func(t *testing.T) {
		hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "nosuch.halopsa.com", IsNotFound: true}}
		}}}
		c := newClient(t, halo.Config{URL: "nosuch.halopsa.com", ClientID: "a", ClientSecret: "b", HTTPClient: hc})
		_, err := c.Discover(context.Background())
		he := wantError(t, err, halo.KindDNS, "1s-10")
		if !strings.Contains(he.Message, `"nosuch.halopsa.com" could not be found`) {
			t.Fatal(he)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		_, cfg := start(t, halotest.Scenario{Latency: 300 * time.Millisecond})
		cfg.RequestTimeout = 30 * time.Millisecond
		clock := newFakeClock()
		cfg.Sleep = clock.Sleep
		_, err := newClient(t, cfg).Discover(context.Background())
		wantError(t, err, halo.KindTimeout, "1s-10")
		if n := len(clock.Sleeps()); n != 2 {
			t.Fatalf("%d retry waits after timeouts, want 2", n)
		}
	})
}

func TestTLS(t *testing.T) {
	s := halotest.New(halotest.Scenario{TLS: true})
	t.Cleanup(s.Close)
	base := halo.Config{URL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}

	t.Run("self-signed is refused", func(t *testing.T) {
		_, err := newClient(t, base).Discover(context.Background())
		he := wantError(t, err, halo.KindTLS, "1s-10")
		if !strings.Contains(he.Message, "not trusted") {
			t.Fatal(he)
		}
	})
	t.Run("CA file trusts it", func(t *testing.T) {
		cfg := base
		var err error
		if cfg.CAFile, err = s.CAFile(); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, cfg)
		if _, err := c.Me(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bad CA file", func(t *testing.T) {
		cfg := base
		cfg.CAFile = "/nonexistent/ca.pem"
		_, err := halo.NewClient(cfg)
		wantError(t, err, halo.KindConfig, "1s-10")
	})
	t.Run("plain http to a TLS port", func(t *testing.T) {
		cfg := base
		cfg.URL = strings.Replace(s.URL(), "https://", "http://", 1)
		_, err := newClient(t, cfg).Discover(context.Background())
		he := wantError(t, err, halo.KindTLS, "1s-10")
		if !strings.Contains(he.Message, "expects https://") {
			t.Fatal(he)
		}
	})
}

func TestNewClientRejectsBadAuthURL(t *testing.T) {
	for _, u := range []string{"http://auth.example.com", "ftp://auth.example.com", "https://u:p@auth.example.com"} {
		_, err := halo.NewClient(halo.Config{URL: "x.halopsa.com", AuthURL: u})
		if halo.KindOf(err) != halo.KindURL {
			t.Errorf("AuthURL %q: %v", u, err)
		}
	}
}

// oddHalo is a minimal hand-written Halo for answers halotest does not
// produce: it has no authinfo (a JSON 404) and serves a fixed /api/Agent body.
func oddHalo(t *testing.T, agentBody string) halo.Config {
	mux := http.NewServeMux()
	// Halo's API answers routes it lacks with a JSON 404.
	mux.HandleFunc("/api/authinfo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"No HTTP resource was found that matches the request URI."}`))
	})
	mux.HandleFunc("/auth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"t","token_type":"bearer","expires_in":"3600"}`))
	})
	mux.HandleFunc("/api/Agent", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(agentBody))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return halo.Config{URL: srv.URL, ClientID: "id", ClientSecret: "secret"}
}

func TestAgentsOddServers(t *testing.T) {
	// An absurd record_count: the next page brings no new agent, so paging stops.
	c := newClient(t, oddHalo(t, `{"record_count":100000000,"agents":[{"id":1,"name":"A"}]}`))
	agents, err := c.Agents(context.Background(), halo.AgentOptions{}, nil)
	if err != nil || len(agents) != 1 {
		t.Fatalf("%+v %v", agents, err)
	}

	// Paging ignored entirely (same page every time): duplicates are dropped.
	c = newClient(t, oddHalo(t, `{"record_count":3,"agents":[{"id":1,"name":"A"},{"id":2,"name":"B"}]}`))
	agents, err = c.Agents(context.Background(), halo.AgentOptions{}, nil)
	if err != nil || len(agents) != 2 {
		t.Fatalf("%+v %v", agents, err)
	}
	ti, err := c.Token(context.Background())
	if err != nil || ti.ExpiresIn != time.Hour || ti.Type != "Bearer" {
		t.Fatalf("lower-case bearer, string expires_in: %+v %v", ti, err)
	}

	c = newClient(t, oddHalo(t, `<html><body>Sign in</body></html>`))
	_, err = c.Agents(context.Background(), halo.AgentOptions{}, nil)
	wantError(t, err, halo.KindNotHalo, "")
}

// A server that answers /api/authinfo with a web page or a "not found"
// without JSON is not Halo: the Client ID and Secret must never be sent to
// it (no request may reach any token endpoint), unless an explicit
// authorisation server says where Halo's login is.
func TestAuthInfoNotHaloSendsNoSecret(t *testing.T) {
	t.Run("HTML 404", func(t *testing.T) {
		s, cfg := start(t, halotest.Scenario{AuthInfoHTML404: true})
		err := newClient(t, cfg).Authenticate(context.Background())
		he := wantError(t, err, halo.KindNotHalo, "1s-10")
		if he.Status != 404 || !strings.Contains(he.Message, "web page") || !strings.Contains(he.Fix, "--auth-url") {
			t.Fatalf("%+v", he)
		}
		rep := halo.RunCheck(context.Background(), cfg, nil)
		if st := statuses(rep); st[halo.CheckHalo] != halo.StatusFail || st[halo.CheckToken] != halo.StatusSkip {
			t.Fatalf("halo %s, token %s", st[halo.CheckHalo], st[halo.CheckToken])
		}
		if n := s.TokenRequests(); n != 0 || s.PathCount("/auth/token") != 0 {
			t.Fatalf("%d token requests: the secret was sent to a server that is not Halo", n)
		}
	})
	// Hand-written servers for bodies halotest does not send; each counts
	// what reaches its token endpoint.
	for _, tc := range []struct {
		name, ctype, body string
		status            int
	}{
		{"text 404", "text/plain; charset=utf-8", "404 page not found\n", 404},
		{"empty 404", "", "", 404},
		{"HTML 403 (sign-in proxy)", "text/html", "<html><body>Sign in</body></html>", 403},
		{"text 200", "text/plain", "OK", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tokens atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/api/authinfo", func(w http.ResponseWriter, r *http.Request) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			})
			mux.HandleFunc("/auth/token", func(w http.ResponseWriter, r *http.Request) {
				tokens.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			err := newClient(t, halo.Config{URL: srv.URL, ClientID: "id", ClientSecret: "secret"}).Authenticate(context.Background())
			wantError(t, err, halo.KindNotHalo, "1s-10")
			if tokens.Load() != 0 {
				t.Fatal("the secret was sent to a server that is not Halo")
			}
		})
	}
	t.Run("explicit authorisation server", func(t *testing.T) {
		s, cfg := start(t, halotest.Scenario{AuthInfoHTML404: true})
		cfg.AuthURL = s.URL() + "/auth"
		c := newClient(t, cfg)
		ai, err := c.Discover(context.Background())
		if err != nil || ai.Source != "override" || !strings.Contains(ai.Warning, "web page") {
			t.Fatalf("Discover = %+v, %v", ai, err)
		}
		if err := c.Authenticate(context.Background()); err != nil || s.TokenRequests() != 1 {
			t.Fatalf("Authenticate: %v, %d token requests", err, s.TokenRequests())
		}
	})
}

// Answers that still look like Halo (a JSON error, a server error) keep
// Halo's documented /auth/token fallback, and the warning does not call the
// URL "not a Halo API" when the login then works.
func TestAuthInfoFallbackWhenHaloLike(t *testing.T) {
	t.Run("JSON 404", func(t *testing.T) {
		s, cfg := start(t, halotest.Scenario{NoAuthInfo: true})
		c := newClient(t, cfg)
		if err := c.Authenticate(context.Background()); err != nil || s.TokenRequests() != 1 {
			t.Fatalf("Authenticate: %v, %d token requests", err, s.TokenRequests())
		}
		ai, _ := c.Discover(context.Background())
		if strings.Contains(ai.Warning, "not a Halo API") || !strings.Contains(ai.Warning, "discovery") || !strings.Contains(ai.Warning, "standard "+s.URL()+"/auth/token") {
			t.Fatalf("warning %q", ai.Warning)
		}
		rep := halo.RunCheck(context.Background(), cfg, nil)
		if h := rep.Check(halo.CheckHalo); h.Status != halo.StatusWarn || strings.Contains(h.Detail+h.Fix, "not a Halo API") || !strings.Contains(h.Fix, "--auth-url") {
			t.Fatalf("halo check %+v", h)
		}
	})
	for _, status := range []int{500, 503} {
		t.Run(fmt.Sprintf("HTML %d", status), func(t *testing.T) {
			var tokens atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/api/authinfo", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(status)
				w.Write([]byte("<html><body>Server Error</body></html>"))
			})
			mux.HandleFunc("/auth/token", func(w http.ResponseWriter, r *http.Request) {
				tokens.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			clock := newFakeClock()
			c := newClient(t, halo.Config{URL: srv.URL, ClientID: "id", ClientSecret: "secret", Sleep: clock.Sleep})
			if err := c.Authenticate(context.Background()); err != nil || tokens.Load() != 1 {
				t.Fatalf("Authenticate: %v, %d token requests", err, tokens.Load())
			}
			if ai, _ := c.Discover(context.Background()); ai.Source != "fallback" || !strings.Contains(ai.Warning, fmt.Sprintf("unavailable (HTTP %d)", status)) {
				t.Fatalf("Discover = %+v", ai)
			}
		})
	}
}

// A port that does not speak TLS at all is not a certificate problem: the
// fix must not send the admin looking for a CA file.
func TestTLSPortMismatchFixes(t *testing.T) {
	plain := halotest.New(halotest.Demo())
	t.Cleanup(plain.Close)
	cfg := halo.Config{URL: strings.Replace(plain.URL(), "http://", "https://", 1), ClientID: plain.ClientID(), ClientSecret: plain.ClientSecret()}
	_, err := newClient(t, cfg).Discover(context.Background())
	he := wantError(t, err, halo.KindTLS, "1s-10")
	if !strings.Contains(he.Message, "does not speak HTTPS") || strings.Contains(he.Fix, "CA file") || strings.Contains(he.Fix, "certificate authority") {
		t.Fatalf("message %q, fix %q", he.Message, he.Fix)
	}
	rep := halo.RunCheck(context.Background(), cfg, nil)
	if r := rep.Check(halo.CheckReachable); r.Status != halo.StatusFail || r.Fix != he.Fix {
		t.Fatalf("reachable %+v", r)
	}

	tlsSrv := halotest.New(halotest.Scenario{TLS: true})
	t.Cleanup(tlsSrv.Close)
	cfg.URL = strings.Replace(tlsSrv.URL(), "https://", "http://", 1)
	_, err = newClient(t, cfg).Discover(context.Background())
	he = wantError(t, err, halo.KindTLS, "1s-10")
	if !strings.Contains(he.Fix, "https://") || strings.Contains(he.Fix, "CA file") {
		t.Fatalf("http to an https port: fix %q", he.Fix)
	}
}

// Paging runs with bounded concurrency: never more pages in flight than
// PageConcurrency, even for many pages with latency.
func TestPagingConcurrencyIsBounded(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{Paged: true, AgentsCount: 400, Latency: 20 * time.Millisecond})
	cfg.PageSize, cfg.PageConcurrency = 20, 3
	c := newClient(t, cfg)
	agents, err := c.Agents(context.Background(), halo.AgentOptions{IncludeDisabled: true, IncludeAPIAgents: true}, nil)
	if err != nil || len(agents) == 0 {
		t.Fatalf("%d agents, %v", len(agents), err)
	}
	peak := s.MaxInFlight("/api/Agent")
	if peak > 3 || peak < 2 {
		t.Fatalf("at most %d /api/Agent requests in flight, want 2–3 (PageConcurrency 3)", peak)
	}
}
