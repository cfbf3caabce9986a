package halotest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func get(t *testing.T, c *http.Client, u, token string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func creds(s *Server, extra ...string) url.Values {
	v := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.ClientID()}, "client_secret": {s.ClientSecret()}, "scope": {"all"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func token(t *testing.T, s *Server, tokenURL string) string {
	t.Helper()
	st, m := post(t, s.Client(), tokenURL, creds(s))
	if st != 200 || m["token_type"] != "Bearer" {
		t.Fatalf("token: %d %v", st, m)
	}
	return m["access_token"].(string)
}

func TestTokenEndpoint(t *testing.T) {
	s := New(Scenario{RequireTenant: true})
	defer s.Close()
	c := s.Client()
	u := s.URL() + "/auth/token?tenant=" + s.Tenant()
	tests := []struct {
		name   string
		url    string
		form   url.Values
		status int
		code   string
	}{
		{"ok", u, creds(s), 200, ""},
		{"bad secret", u, creds(s, "client_secret", "nope"), 401, "invalid_client"},
		{"bad id", u, creds(s, "client_id", "nope"), 401, "invalid_client"},
		{"bad grant", u, creds(s, "grant_type", "password"), 400, "unsupported_grant_type"},
		{"bad scope", u, creds(s, "scope", "read:actions"), 400, "invalid_scope"},
		{"no tenant", s.URL() + "/auth/token", creds(s), 400, "invalid_request"},
	}
	for _, tc := range tests {
		st, m := post(t, c, tc.url, tc.form)
		if st != tc.status || (tc.code != "" && m["error"] != tc.code) {
			t.Errorf("%s: %d %v", tc.name, st, m)
		}
		if tc.code == "invalid_client" && m["error_description"] != "The specified client credentials are invalid." {
			t.Errorf("%s: description %v", tc.name, m["error_description"])
		}
		if st == 200 && (m["expires_in"].(float64) != 3600 || m["access_token"] == "") {
			t.Errorf("%s: %v", tc.name, m)
		}
	}
	// Credentials only in a Basic header are not what Halo clients send.
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("grant_type=client_credentials&scope=all"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.ClientID(), s.ClientSecret())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("basic auth: %d", resp.StatusCode)
	}
}

func TestBearerEnforced(t *testing.T) {
	s := New(Demo())
	defer s.Close()
	c := s.Client()
	for _, p := range []string{"/api/Agent", "/api/agent/me", "/api/Team", "/api/TopLevel", "/api/Organisation"} {
		if st, _, h := get(t, c, s.URL()+p, ""); st != 401 || h.Get("WWW-Authenticate") == "" {
			t.Errorf("%s without token: %d", p, st)
		}
		if st, _, _ := get(t, c, s.URL()+p, "forged"); st != 401 {
			t.Errorf("%s with a forged token: %d", p, st)
		}
	}
	// authinfo needs no token.
	st, body, _ := get(t, c, s.URL()+"/api/authinfo", "")
	var info map[string]string
	json.Unmarshal([]byte(body), &info)
	if st != 200 || info["auth_url"] != s.URL()+"/auth" || info["tenant_id"] != "contoso-msp" {
		t.Fatalf("authinfo %d %s", st, body)
	}
	tok := token(t, s, s.URL()+"/auth/token")
	if st, _, _ := get(t, c, s.URL()+"/api/agent/me", tok); st != 200 {
		t.Fatalf("with token: %d", st)
	}
	s.RevokeTokens()
	if st, _, _ := get(t, c, s.URL()+"/api/agent/me", tok); st != 401 {
		t.Fatalf("revoked token: %d", st)
	}
}

func TestTokenExpiresOnServerClock(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Scenario{TokenTTL: time.Minute, Now: func() time.Time { return now }})
	defer s.Close()
	tok := token(t, s, s.URL()+"/auth/token")
	if st, _, _ := get(t, s.Client(), s.URL()+"/api/Team", tok); st != 200 {
		t.Fatal(st)
	}
	now = now.Add(time.Minute)
	if st, _, _ := get(t, s.Client(), s.URL()+"/api/Team", tok); st != 401 {
		t.Fatalf("expired token accepted: %d", st)
	}
}

func TestDemoData(t *testing.T) {
	s := New(Demo())
	defer s.Close()
	tok := token(t, s, s.URL()+"/auth/token")
	st, body, _ := get(t, s.Client(), s.URL()+"/api/Agent?includedisabled=true&includeapiagents=true", tok)
	var agents []map[string]any
	if err := json.Unmarshal([]byte(body), &agents); st != 200 || err != nil {
		t.Fatalf("%d %v", st, err)
	}
	if len(agents) != 41 || s.VisibleAgents(true, true) != 41 || s.VisibleAgents(false, false) != 39 {
		t.Fatalf("%d agents", len(agents))
	}
	var disabled, api, ext, accented int
	emails := map[string]bool{}
	for _, a := range agents {
		if a["isdisabled"] == true {
			disabled++
		}
		if a["isapiagent"] == true {
			api++
			if a["name"] != "1stream API" || len(a["teams"].([]any)) != 3 {
				t.Errorf("API agent %v", a)
			}
		}
		if e, _ := a["extensionnumber"].(string); strings.HasPrefix(e, "2") && len(e) == 3 {
			ext++
		}
		name := a["name"].(string)
		if len(name) != utf8.RuneCountInString(name) {
			accented++
		}
		email := a["email"].(string)
		if emails[email] || !strings.HasSuffix(email, "@contoso-msp.com") || strings.ContainsAny(email, " 'éü") {
			t.Errorf("email %q", email)
		}
		emails[email] = true
		for _, m := range a["teams"].([]any) {
			sec := m.(map[string]any)
			if sec["team_id"] == nil || sec["team_name"] == "" || sec["department_id"] == nil {
				t.Errorf("UnameSection %v", sec)
			}
		}
	}
	if disabled != 1 || api != 1 || ext < 30 || accented < 10 {
		t.Fatalf("disabled %d, api %d, 2xx extensions %d, accented %d", disabled, api, ext, accented)
	}
	// Default filters hide disabled and API-only agents, as Halo does.
	_, body, _ = get(t, s.Client(), s.URL()+"/api/Agent", tok)
	json.Unmarshal([]byte(body), &agents)
	if len(agents) != 39 {
		t.Fatalf("default filter: %d", len(agents))
	}
	// Deterministic: a second server gives byte-identical data.
	s2 := New(Demo())
	defer s2.Close()
	tok2 := token(t, s2, s2.URL()+"/auth/token")
	_, body2, _ := get(t, s2.Client(), s2.URL()+"/api/Agent", tok2)
	if body != body2 {
		t.Fatal("demo data is not deterministic")
	}
	if s.VisibleTeams() != 7 || s.VisibleDepartments() != 2 || s.OrganisationCount() != 1 {
		t.Fatalf("teams %d depts %d orgs %d", s.VisibleTeams(), s.VisibleDepartments(), s.OrganisationCount())
	}
}

func TestPagedShape(t *testing.T) {
	s := New(Scenario{Paged: true, AgentsCount: 10000, Seed: 7})
	defer s.Close()
	tok := token(t, s, s.URL()+"/auth/token")
	_, body, _ := get(t, s.Client(), s.URL()+"/api/Agent?pageinate=true&page_size=100&page_no=98&includeapiagents=true", tok)
	var page struct {
		PageNo      int              `json:"page_no"`
		PageSize    int              `json:"page_size"`
		RecordCount int              `json:"record_count"`
		Agents      []map[string]any `json:"agents"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	if page.PageNo != 98 || page.PageSize != 100 || page.RecordCount != s.VisibleAgents(false, true) || len(page.Agents) != 100 {
		t.Fatalf("page %d size %d count %d len %d", page.PageNo, page.PageSize, page.RecordCount, len(page.Agents))
	}
	// Without pageinate the same server sends the whole list.
	_, body, _ = get(t, s.Client(), s.URL()+"/api/Agent?includeenabled=true", tok)
	if !strings.HasPrefix(body, "[") {
		t.Fatalf("unpaged shape %.40s", body)
	}
}

func TestRateLimitAndLatency(t *testing.T) {
	s := New(Scenario{RateLimit: 2, RateWindow: time.Hour, RateLimitRetryAfter: true, Latency: 20 * time.Millisecond})
	defer s.Close()
	start := time.Now()
	for i := range 3 {
		st, body, h := get(t, s.Client(), s.URL()+"/api/authinfo", "")
		if i < 2 && st != 200 {
			t.Fatalf("request %d: %d", i, st)
		}
		if i == 2 && (st != 429 || body != "Rate Limit Reached - 2 Requests per rolling 60 minute window" || h.Get("Retry-After") != "3600") {
			t.Fatalf("429: %d %q %q", st, body, h.Get("Retry-After"))
		}
	}
	if time.Since(start) < 60*time.Millisecond {
		t.Fatal("latency not applied")
	}
	if s.Rejected() != 1 || s.Requests() != 3 || s.MaxInWindow(time.Hour) != 3 || s.PathCount("/api/AuthInfo") != 3 {
		t.Fatalf("stats: rejected %d requests %d max %d", s.Rejected(), s.Requests(), s.MaxInWindow(time.Hour))
	}
}

func TestScenarios(t *testing.T) {
	t.Run("html login", func(t *testing.T) {
		s := New(Scenario{HTMLLogin: true})
		defer s.Close()
		st, body, h := get(t, s.Client(), s.URL()+"/api/authinfo", "")
		if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(body, "Log in") {
			t.Fatal(st, body)
		}
	})
	t.Run("no authinfo: a JSON 404, as Halo's API answers", func(t *testing.T) {
		s := New(Scenario{NoAuthInfo: true})
		defer s.Close()
		st, body, h := get(t, s.Client(), s.URL()+"/api/authinfo", "")
		var m map[string]string
		if st != 404 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(body), &m) != nil || m["message"] == "" {
			t.Fatalf("%d %q %s", st, h.Get("Content-Type"), body)
		}
	})
	t.Run("authinfo HTML 404: token endpoint still counts", func(t *testing.T) {
		s := New(Scenario{AuthInfoHTML404: true})
		defer s.Close()
		st, body, h := get(t, s.Client(), s.URL()+"/api/authinfo", "")
		if st != 404 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.HasPrefix(body, "<!DOCTYPE html>") {
			t.Fatalf("%d %q %s", st, h.Get("Content-Type"), body)
		}
		if s.TokenRequests() != 0 {
			t.Fatal("token requests before any were sent")
		}
		token(t, s, s.URL()+"/auth/token")
		if s.TokenRequests() != 1 {
			t.Fatalf("%d token requests counted, want 1", s.TokenRequests())
		}
	})
	t.Run("organisation errors", func(t *testing.T) {
		for _, want := range []int{404, 429, 500, 503} {
			s := New(Scenario{OrganisationError: want})
			tok := token(t, s, s.URL()+"/auth/token")
			st, body, h := get(t, s.Client(), s.URL()+"/api/Organisation", tok)
			s.Close()
			isJSON := json.Valid([]byte(body))
			if st != want || (want == 429) == isJSON || (want == 429) != strings.HasPrefix(body, "Rate Limit Reached") {
				t.Errorf("OrganisationError %d: %d %q %s", want, st, h.Get("Content-Type"), body)
			}
		}
	})
	t.Run("trial auth host", func(t *testing.T) {
		s := New(Scenario{TrialAuth: true, RequireTenant: true, TLS: true})
		defer s.Close()
		if s.AuthURL() == s.URL() || !strings.HasPrefix(s.AuthURL(), "https://") {
			t.Fatal(s.AuthURL())
		}
		token(t, s, s.AuthURL()+"/token?tenant="+s.Tenant())
		if st, _ := post(t, s.Client(), s.URL()+"/auth/token?tenant="+s.Tenant(), creds(s)); st != 404 {
			t.Fatalf("main /auth/token on trial: %d", st)
		}
		if p, err := s.CAFile(); err != nil || p == "" || len(s.CertPEM()) == 0 {
			t.Fatal(p, err)
		}
	})
	t.Run("multi-tenancy hides agents", func(t *testing.T) {
		s := New(Scenario{Organisations: 3})
		defer s.Close()
		if s.OrganisationCount() != 3 || len(s.AgentNames()) != 41+6 || s.VisibleAgents(true, true) != 41 {
			t.Fatalf("orgs %d, agents %d, visible %d", s.OrganisationCount(), len(s.AgentNames()), s.VisibleAgents(true, true))
		}
	})
	t.Run("API agent in no team", func(t *testing.T) {
		s := New(Scenario{APIAgentInNoTeam: true})
		defer s.Close()
		if s.VisibleAgents(true, true) != 1 || s.VisibleAgents(true, false) != 0 || s.VisibleTeams() != 0 || s.VisibleDepartments() != 0 {
			t.Fatal("API agent in no team sees others")
		}
	})
	t.Run("flaky", func(t *testing.T) {
		s := New(Scenario{Flaky5xx: 2})
		defer s.Close()
		tok := token(t, s, s.URL()+"/auth/token")
		var got []int
		for range 3 {
			st, _, _ := get(t, s.Client(), s.URL()+"/api/Team", tok)
			got = append(got, st)
		}
		if got[0] != 503 || got[1] != 502 || got[2] != 200 {
			t.Fatal(got)
		}
	})
}

func TestDisableAndRemoveAgents(t *testing.T) {
	s := New(Demo())
	defer s.Close()
	before := s.VisibleAgents(true, true)
	enabled := s.VisibleAgents(false, false)
	ids := s.dataset().agents
	victim, leaver := ids[0].ID, ids[1].ID
	if !s.DisableAgent(leaver) || s.VisibleAgents(false, false) != enabled-1 || s.VisibleAgents(true, true) != before {
		t.Fatal("DisableAgent did not disable")
	}
	if !s.RemoveAgent(victim) || s.VisibleAgents(true, true) != before-1 {
		t.Fatal("RemoveAgent did not remove")
	}
	if s.RemoveAgent(victim) || s.DisableAgent(999999) {
		t.Fatal("changing a missing agent reported success")
	}
	if s.APIAgentName() != "1stream API" {
		t.Fatal("the API agent moved")
	}
}
