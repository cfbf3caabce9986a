// Package halotest is a simulated Halo (HaloPSA/HaloITSM) for tests and
// the app's demo mode: a real HTTP(S) server on 127.0.0.1 that serves
// /api/authinfo, the OAuth2 client-credentials token endpoint, /api/Agent,
// /api/Agent/me, /api/Team, /api/TopLevel and /api/Organisation with
// spec-shaped JSON. It enforces what real Halo enforces (a bearer token on
// every API call, the rate limit), so a client cannot cheat.
//
// Where Halo's real behaviour is undocumented (the authinfo shape, the
// status of a missing tenant, paging of /Agent) it follows what real
// instances were seen to do and offers scenarios for the alternatives.
package halotest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Scenario selects how the simulated Halo behaves. The zero value is a
// hosted Halo with the demo data, a tenant_id in authinfo but no tenant
// required, bare-array lists and no limits.
type Scenario struct {
	Tenant        string // tenant_id reported by /api/authinfo; default "contoso-msp" (none when OnPrem)
	RequireTenant bool   // the token endpoint insists on ?tenant=<Tenant>
	OnPrem        bool   // authinfo names <base>/auth and no tenant_id
	NoAuthInfo    bool   // /api/authinfo answers a JSON 404, as Halo's API does for a route it lacks: clients must fall back to /auth/token
	TrialAuth     bool   // the token endpoint lives on a separate auth server at /token (like https://uk-trial.halopsa.com/token?tenant=…)
	// AuthInfoHTML404: /api/authinfo answers 404 with an HTML page, as a web
	// server that is not Halo's API would. The token endpoint still works
	// (and counts requests, see TokenRequests), so a client that guesses
	// /auth/token anyway is caught sending the Client Secret.
	AuthInfoHTML404 bool
	// AuthInfoAuthURL: /api/authinfo names this authorisation server
	// instead of the simulator's own (e.g. a plain http one).
	AuthInfoAuthURL string
	// TokenRedirect: the token endpoint answers every request with a 307
	// to this URL, which makes Go's HTTP client replay the form body (the
	// Client Secret) there unless the client refuses.
	TokenRedirect string
	// EchoErrors: OAuth errors of the token endpoint and OrganisationError
	// bodies carry an "error" code and a description that echo the request
	// (the token form body, i.e. the Client Secret, included), each padded
	// to 400 KB, as a misbehaving gateway might.
	EchoErrors bool

	Wrapped     bool // lists come as {"record_count": N, "agents": [...]} (and /Agent/me as {"agents":[...]})
	Paged       bool // /Agent honours pageinate/page_no/page_size and reports record_count
	MaxPageSize int  // with Paged: the largest page_size served (0 = no cap)
	RecordCount int  // >0, with Paged or Wrapped: /Agent claims this record_count instead of the real one

	AgentsCount        int   // >0: this many generated agents instead of the demo roster
	Seed               int64 // seed for generated agents
	APIAgentInNoTeam   bool  // the login agent is in no team or department: it sees only itself
	APIAgentNotAPIOnly bool  // the login agent is a normal (licensed) agent
	NoDefaultTeam      bool  // the login agent has teams but no Default Team
	Organisations      int   // >1: multi-tenancy; agents of the other organisations are hidden
	// NameSuffix is appended to every organisation, department, team and
	// agent name (the API agent's too): hostile names, e.g. terminal
	// escape sequences or Markdown links, for output-safety tests.
	NameSuffix string

	RateLimit           int           // accepted requests per RateWindow (0 = unlimited)
	RateWindow          time.Duration // default 5 minutes
	RateLimitRetryAfter bool          // 429s carry Retry-After (seconds)
	RetryAfter          string        // non-empty: 429s carry this Retry-After verbatim (e.g. "0" or a past date)

	Flaky5xx  int           // the first N authenticated API calls fail with 503/502/504
	Latency   time.Duration // added to every request
	TokenTTL  time.Duration // token lifetime; default 1 hour
	HTMLLogin bool          // every path answers 200 with an HTML login page

	TLS             bool // serve HTTPS with a self-signed certificate
	InvalidScope    bool // the token endpoint rejects any scope (invalid_scope)
	GrantNotAllowed bool // the application is not "Client ID and Secret (Services)" (unauthorized_client)
	Forbidden       bool // data endpoints (not Agent/me) answer 403
	NoTopLevel      bool // /api/TopLevel answers 404 (departments must be derived)
	NoOrgAccess     bool // /api/Organisation answers 403
	// OrganisationError: /api/Organisation answers with this HTTP status
	// (e.g. 404, 429, 500) and a Halo-style body for it, every time.
	OrganisationError int

	// APIRedirect: every /api request but authinfo answers 302 to this
	// URL plus the request's path and query (e.g. the same host on another
	// port, where Go would keep the Authorization header).
	APIRedirect string
	// AuthInfoRedirect: /api/authinfo answers 302 to this URL.
	AuthInfoRedirect string
	// AuthInfoPadding: /api/authinfo's JSON carries an extra property that
	// pads it to this many bytes.
	AuthInfoPadding int
	// AuthOnLocalhost: authinfo names this server's own /auth by the host
	// name "localhost", a host other than the 127.0.0.1 of URL().
	AuthOnLocalhost bool
	// HugeNames: the first agent's name and surname, the retired team's
	// name and the main organisation's name are each padded to 1 MiB.
	HugeNames bool
	// Bomb: list endpoints answer with a decompression bomb (bomb.go).
	Bomb *Bomb

	Contacts ContactScenario // /api/Users, /api/Client and /api/Tickets (contacts.go)
	// WriteForbidden: POST /api/Users answers 403 with Halo's access
	// message, as for an API agent whose Users Access Level is Read only.
	WriteForbidden bool
	// OnWrite, when set, is called with the ids of each POST /api/Users
	// (0 for an entry without one) as it arrives, before anything is
	// applied; a non-zero status it returns is answered instead (500, 429,
	// …) and nothing is applied. Tests use it to look at the client's
	// journal at the moment the request arrives, or to fail one batch.
	OnWrite func(ids []int) int

	ClientID, ClientSecret string           // defaults: fixed GUID-shaped values
	Now                    func() time.Time // clock for rate limit and token expiry (tests share a fake clock)
}

// Demo is the scenario the app's demo mode uses: a hosted Halo with about
// 40 agents (accented names, one leaver, the "1stream API" API-only agent in
// three teams), seven teams (one inactive), two departments and one
// organisation, tenant "contoso-msp".
func Demo() Scenario {
	return Scenario{Tenant: "contoso-msp"}
}

// Default credentials, shaped like Halo's (a GUID; two GUIDs joined).
const (
	DefaultClientID     = "5f0c2a8e-3b1d-4c6e-9a7f-2d8b4e6c1a90"
	DefaultClientSecret = "8c1e4f7a-2b5d-4e8f-a1c3-6d9b2e5f8a14-3f6a9c2e-5b8d-4a1f-b7e3-0c4d8f2a6b19"
	DefaultTenant       = "contoso-msp"
)

var knownScopes = map[string]bool{
	"all": true, "all:standard": true, "admin": true, "all:teams": true, "admin:webhooks": true,
	"read:tickets": true, "edit:tickets": true, "read:customers": true, "edit:customers": true,
	"read:crm": true, "edit:crm": true, "read:assets": true, "edit:assets": true,
}

// Server is a running simulated Halo.
type Server struct {
	sc   Scenario
	data atomic.Pointer[dataset] // replaced whole by DisableAgent/RemoveAgent
	srv  *httptest.Server
	auth *httptest.Server // TrialAuth only
	now  func() time.Time

	contacts *contactSet // contacts, customers and tickets (contacts.go)
	// contactsMu guards the contacts' records: POST /api/Users (users_write.go)
	// changes them under the write lock, every read of them holds the read
	// lock.
	contactsMu sync.RWMutex
	writes     writeStats
	authMove   atomic.Pointer[string] // SetAuthInfoAuthURL's answer (authinfo_move.go)
	bomb       bombCache              // Scenario.Bomb's bodies (bomb.go)

	mu        sync.Mutex
	tokens    map[string]time.Time // token → expiry (server clock)
	accepted  []time.Time          // accepted requests, for the rate limit
	arrivals  []time.Time          // every request (wall clock), for MaxInWindow
	paths     map[string]int
	inFlight  map[string]int // requests being served now, per path
	peak      map[string]int // the most that were ever in flight at once
	tokenReqs int
	lastScope string
	rejected  int
	uas       map[string]bool // User-Agent values seen
	flaky     int
	caFile    string
	tmpDir    string
}

// New starts a simulated Halo on 127.0.0.1. Close it when done.
func New(s Scenario) *Server {
	if s.Tenant == "" && !s.OnPrem {
		s.Tenant = DefaultTenant
	}
	if s.OnPrem {
		s.Tenant = ""
		s.RequireTenant = false
	}
	if s.ClientID == "" {
		s.ClientID = DefaultClientID
	}
	if s.ClientSecret == "" {
		s.ClientSecret = DefaultClientSecret
	}
	if s.RateWindow <= 0 {
		s.RateWindow = 5 * time.Minute
	}
	if s.TokenTTL <= 0 {
		s.TokenTTL = time.Hour
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	hs := &Server{sc: s, now: now, tokens: map[string]time.Time{}, paths: map[string]int{}, uas: map[string]bool{}}
	start := func(h http.Handler) *httptest.Server {
		srv := httptest.NewUnstartedServer(h)
		// Clients abandon spare connections mid-handshake when the server
		// closes; that noise is not a test failure.
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		if s.TLS {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		return srv
	}
	hs.data.Store(buildDataset(s))
	hs.contacts = buildContacts(s.Contacts)
	hs.srv = start(hs.tracked(http.HandlerFunc(hs.serveMain)))
	if s.TrialAuth {
		hs.auth = start(http.HandlerFunc(hs.serveAuth))
	}
	return hs
}

// URL is the instance URL, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.srv.URL }

// AuthURL is the authorisation server authinfo names.
func (s *Server) AuthURL() string {
	if s.auth != nil {
		return s.auth.URL
	}
	return s.srv.URL + "/auth"
}

// ClientID returns the Client ID the server accepts.
func (s *Server) ClientID() string { return s.sc.ClientID }

// ClientSecret returns the Client Secret the server accepts.
func (s *Server) ClientSecret() string { return s.sc.ClientSecret }

// Tenant returns the tenant_id authinfo reports ("" on-prem).
func (s *Server) Tenant() string { return s.sc.Tenant }

// Scenario returns the effective scenario (defaults filled in).
func (s *Server) Scenario() Scenario { return s.sc }

// Client returns an *http.Client that trusts the server's certificate.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// CertPEM returns the server certificate in PEM form (TLS only).
func (s *Server) CertPEM() []byte {
	if s.srv.Certificate() == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// CAFile writes the certificate to a temporary PEM file (removed by Close)
// and returns its path, for Config.CAFile tests. "" without TLS.
func (s *Server) CAFile() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.caFile != "" {
		return s.caFile, nil
	}
	p := s.CertPEM()
	if p == nil {
		return "", nil
	}
	dir, err := os.MkdirTemp("", "halotest-ca-")
	if err != nil {
		return "", err
	}
	s.tmpDir = dir
	s.caFile = filepath.Join(dir, "halotest-ca.pem")
	if err := os.WriteFile(s.caFile, p, 0o600); err != nil {
		return "", err
	}
	return s.caFile, nil
}

// Close stops the server(s) and removes temporary files.
func (s *Server) Close() {
	s.srv.Close()
	if s.auth != nil {
		s.auth.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
}

// RevokeTokens invalidates every issued token, as when an administrator
// changes the application: the next API call gets a 401.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

// Requests is the number of requests received (all paths, both servers).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.arrivals)
}

// PathCount is the number of requests for a path (case-insensitive, e.g.
// "/api/agent").
func (s *Server) PathCount(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paths[strings.ToLower(path)]
}

func (s *Server) dataset() *dataset { return s.data.Load() }

// DisableAgent marks an agent disabled, as when someone leaves; later
// requests see the change. It reports whether the agent existed.
func (s *Server) DisableAgent(id int) bool {
	return s.changeAgents(func(agents []wireAgent) []wireAgent {
		for i := range agents {
			if agents[i].ID == id {
				agents[i].IsDisabled = true
				return agents
			}
		}
		return nil
	})
}

// RemoveAgent deletes an agent from the simulated Halo. It reports whether
// the agent existed; the API agent cannot be removed.
func (s *Server) RemoveAgent(id int) bool {
	return s.changeAgents(func(agents []wireAgent) []wireAgent {
		for i := range agents {
			if agents[i].ID == id && i != s.dataset().api {
				return append(agents[:i], agents[i+1:]...)
			}
		}
		return nil
	})
}

// changeAgents applies change to a copy of the agents and swaps in the
// rebuilt dataset; change returns nil to leave everything as it was.
func (s *Server) changeAgents(change func([]wireAgent) []wireAgent) bool {
	s.mu.Lock() // one change at a time
	defer s.mu.Unlock()
	old := s.dataset()
	agents := change(append([]wireAgent(nil), old.agents...))
	if agents == nil {
		return false
	}
	d := *old
	d.agents = agents
	for i := range agents {
		if agents[i].IsAPIAgent && agents[i].Name == old.agents[old.api].Name {
			d.api = i
		}
	}
	d.finish()
	s.data.Store(&d)
	return true
}

// ---- request handling ----

// admit applies latency, counting and the rate limit. It reports false when
// it already answered (429 or a cancelled request).
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	if s.sc.Latency > 0 {
		t := time.NewTimer(s.sc.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		}
	}
	s.mu.Lock()
	s.arrivals = append(s.arrivals, time.Now())
	s.paths[strings.ToLower(r.URL.Path)]++
	s.uas[r.Header.Get("User-Agent")] = true
	if s.sc.RateLimit > 0 {
		now := s.now()
		cut := now.Add(-s.sc.RateWindow)
		i := 0
		for i < len(s.accepted) && !s.accepted[i].After(cut) {
			i++
		}
		s.accepted = s.accepted[i:]
		if len(s.accepted) >= s.sc.RateLimit {
			wait := s.accepted[0].Add(s.sc.RateWindow).Sub(now)
			s.rejected++
			s.mu.Unlock()
			switch {
			case s.sc.RetryAfter != "":
				w.Header().Set("Retry-After", s.sc.RetryAfter)
			case s.sc.RateLimitRetryAfter:
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			}
			rateLimitReached(w, s.sc.RateLimit, s.sc.RateWindow)
			return false
		}
		s.accepted = append(s.accepted, now)
	}
	s.mu.Unlock()
	return true
}

// rateLimitReached writes Halo's 429 answer.
func rateLimitReached(w http.ResponseWriter, limit int, window time.Duration) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprintf(w, "Rate Limit Reached - %d Requests per rolling %s window", limit, windowWords(window))
}

func windowWords(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d minute", d/time.Minute)
	}
	return fmt.Sprintf("%d second", int(d.Seconds()))
}

const loginPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Halo - Log In</title></head>
<body><form method="post" action="/auth/Account/Login"><h1>Log in to Halo</h1>
<input name="username"><input name="password" type="password"><button>Log In</button></form></body></html>`

func (s *Server) serveMain(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r) {
		return
	}
	if s.sc.HTMLLogin {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, loginPage)
		return
	}
	p := strings.ToLower(strings.TrimRight(r.URL.Path, "/"))
	switch {
	case p == "/api/authinfo" && s.sc.AuthInfoRedirect != "":
		http.Redirect(w, r, s.sc.AuthInfoRedirect, http.StatusFound)
	case p == "/api/authinfo":
		s.authInfo(w, r)
	case strings.HasPrefix(p, "/api/") && s.sc.APIRedirect != "":
		http.Redirect(w, r, strings.TrimRight(s.sc.APIRedirect, "/")+r.URL.RequestURI(), http.StatusFound)
	case p == "/auth/token":
		if s.sc.TrialAuth {
			notFound(w)
			return
		}
		s.token(w, r)
	case strings.HasPrefix(p, "/api/"):
		s.api(w, r, strings.TrimPrefix(p, "/api/"))
	default:
		htmlNotFound(w)
	}
}

// htmlNotFound is IIS's page for a path outside Halo's API.
func htmlNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, "<!DOCTYPE html><html><body><h1>404 - File or directory not found.</h1></body></html>")
}

func (s *Server) serveAuth(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r) {
		return
	}
	if strings.ToLower(strings.TrimRight(r.URL.Path, "/")) == "/token" {
		s.token(w, r)
		return
	}
	notFound(w)
}

func (s *Server) authInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method not allowed"})
		return
	}
	if s.sc.NoAuthInfo {
		notFound(w)
		return
	}
	if s.sc.AuthInfoHTML404 {
		htmlNotFound(w)
		return
	}
	info := map[string]any{"auth_url": s.AuthURL()}
	if s.sc.AuthInfoAuthURL != "" {
		info["auth_url"] = s.sc.AuthInfoAuthURL
	}
	if s.sc.AuthInfoPadding > 0 {
		info["padding"] = strings.Repeat("x", s.sc.AuthInfoPadding)
	}
	if s.sc.AuthOnLocalhost {
		info["auth_url"] = strings.Replace(s.AuthURL(), "127.0.0.1", "localhost", 1)
	}
	if moved := s.authMove.Load(); moved != nil {
		info["auth_url"] = *moved
	}
	if s.sc.Tenant != "" {
		info["tenant_id"] = s.sc.Tenant
	}
	writeJSON(w, http.StatusOK, info)
}

type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// echoingWriter rewrites the OAuth error written through it so that its code
// and description echo the request (see Scenario.EchoErrors).
type echoingWriter struct {
	http.ResponseWriter
	r *http.Request
}

func (e echoingWriter) Write(b []byte) (int, error) {
	var oe oauthError
	if json.Unmarshal(b, &oe) != nil || oe.Error == "" {
		return e.ResponseWriter.Write(b)
	}
	echo := echoOf(e.r)
	out, _ := json.Marshal(oauthError{oe.Error + " " + echo, echo})
	if _, err := e.ResponseWriter.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// echoOf is the request line, headers and form body, padded to 400 KB: code
// and description together stay below the 1 MiB the oauth2 package reads of
// a token error.
func echoOf(r *http.Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Method, r.URL)
	for k, v := range r.Header {
		fmt.Fprintf(&b, " %s: %s", k, strings.Join(v, ","))
	}
	if r.PostForm != nil {
		b.WriteString(" " + r.PostForm.Encode())
	}
	b.WriteString(" ")
	b.WriteString(strings.Repeat("é", max(0, 400<<10-b.Len())/2))
	return b.String()
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.tokenReqs++
	s.mu.Unlock()
	if s.sc.TokenRedirect != "" {
		w.Header().Set("Location", s.sc.TokenRedirect)
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
	if s.sc.EchoErrors {
		w = echoingWriter{w, r}
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, oauthError{"invalid_request", "The specified HTTP method is not valid."})
		return
	}
	if !strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/x-www-form-urlencoded") {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "The mandatory 'Content-Type' header must be specified."})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "The request body is malformed."})
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, oauthError{"unsupported_grant_type", "The specified 'grant_type' is not supported."})
		return
	}
	if s.sc.RequireTenant && r.URL.Query().Get("tenant") != s.sc.Tenant {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "The specified tenant is missing or invalid."})
		return
	}
	// Credentials go in the form body, as every Halo client sends them.
	if f.Get("client_id") != s.sc.ClientID || f.Get("client_secret") != s.sc.ClientSecret {
		writeJSON(w, http.StatusUnauthorized, oauthError{"invalid_client", "The specified client credentials are invalid."})
		return
	}
	if s.sc.GrantNotAllowed {
		writeJSON(w, http.StatusBadRequest, oauthError{"unauthorized_client", "This client application is not allowed to use the specified grant type."})
		return
	}
	s.mu.Lock()
	s.lastScope = f.Get("scope")
	s.mu.Unlock()
	scopes := strings.Fields(f.Get("scope"))
	if len(scopes) == 0 {
		scopes = []string{"all"}
	}
	for _, sc := range scopes {
		if s.sc.InvalidScope || !knownScopes[sc] {
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_scope", "The specified 'scope' is invalid."})
			return
		}
	}
	tok := randomToken()
	s.mu.Lock()
	s.tokens[tok] = s.now().Add(s.sc.TokenTTL)
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   max(1, int(math.Ceil(s.sc.TokenTTL.Seconds()))),
		"scope":        strings.Join(scopes, " "),
	})
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return "halotest." + hex.EncodeToString(b)
}

func (s *Server) authorised(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[strings.TrimSpace(tok)]
	return ok && s.now().Before(exp)
}

func (s *Server) api(w http.ResponseWriter, r *http.Request, p string) {
	if !s.authorised(r) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Authorization has been denied for this request."})
		return
	}
	// POST /api/Users is the one write Halo's API offers that the app uses
	// (users_write.go).
	write := p == "users" && r.Method == http.MethodPost
	if r.Method != http.MethodGet && !write {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "The requested resource does not support this method."})
		return
	}
	s.mu.Lock()
	flaky := s.flaky < s.sc.Flaky5xx
	n := s.flaky
	if flaky {
		s.flaky++
	}
	s.mu.Unlock()
	if flaky {
		codes := []int{http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(codes[n%len(codes)])
		fmt.Fprint(w, "<html><body>Service Unavailable</body></html>")
		return
	}
	q := r.URL.Query()
	d := s.dataset()
	if s.sc.Forbidden && p != "agent/me" {
		writeJSON(w, http.StatusForbidden, map[string]string{"ClassName": "System.UnauthorizedAccessException", "message": "You do not have permission to access this resource."})
		return
	}
	if s.serveBomb(w, p) {
		return
	}
	switch {
	case p == "agent/me":
		me := d.agentJSON[d.api]
		if s.sc.Wrapped {
			writeRaw(w, append(append([]byte(`{"agents":[`), me...), "]}"...))
			return
		}
		writeRaw(w, me)
	case p == "agent":
		s.agents(w, q)
	case write:
		s.writeUsers(w, r)
	case strings.HasPrefix(p, "users/"):
		s.readUser(w, strings.TrimPrefix(p, "users/"))
	case p == "users" || p == "client" || p == "tickets":
		s.contactsMu.RLock()
		s.serveContacts(w, p, q)
		s.contactsMu.RUnlock()
	case strings.HasPrefix(p, "agent/"):
		id, err := strconv.Atoi(strings.TrimPrefix(p, "agent/"))
		for i, a := range d.agents {
			if err == nil && a.ID == id && d.visible[i] {
				writeRaw(w, d.agentJSON[i])
				return
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Agent not found."})
	case p == "team":
		var out []wireTeam
		for _, t := range d.visibleTeams {
			if t.Inactive && !boolParam(q.Get("includedisabled"), false) || !t.Inactive && !boolParam(q.Get("includeenabled"), true) {
				continue
			}
			out = append(out, t)
		}
		s.list(w, "teams", out)
	case p == "toplevel":
		if s.sc.NoTopLevel {
			notFound(w)
			return
		}
		s.list(w, "tree", d.visibleDepts)
	case p == "organisation":
		if s.sc.NoOrgAccess {
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "You do not have permission to access this resource."})
			return
		}
		switch st := s.sc.OrganisationError; {
		case st == http.StatusNotFound:
			notFound(w)
			return
		case st == http.StatusTooManyRequests:
			limit := s.sc.RateLimit
			if limit == 0 {
				limit = 300 // hosted Halo's
			}
			rateLimitReached(w, limit, s.sc.RateWindow)
			return
		case st != 0 && s.sc.EchoErrors:
			echo := echoOf(r)
			writeJSON(w, st, map[string]string{"error": echo, "message": echo})
			return
		case st != 0:
			writeJSON(w, st, map[string]string{"ClassName": "System.Exception", "message": "An error has occurred."})
			return
		}
		s.list(w, "organisations", d.orgs)
	default:
		notFound(w)
	}
}

func (s *Server) agents(w http.ResponseWriter, q map[string][]string) {
	get := func(k string) string {
		for key, v := range q {
			if strings.EqualFold(key, k) && len(v) > 0 {
				return v[0]
			}
		}
		return ""
	}
	idx := s.dataset().selectAgents(boolParam(get("includeenabled"), true), boolParam(get("includedisabled"), false), boolParam(get("includeapiagents"), false))
	total := len(idx)
	claimed := total
	if s.sc.RecordCount > 0 {
		claimed = s.sc.RecordCount
	}
	pageNo, pageSize := 1, total
	paged := s.sc.Paged && boolParam(get("pageinate"), false)
	if paged {
		if n, err := strconv.Atoi(get("page_size")); err == nil && n > 0 {
			pageSize = n
		} else {
			pageSize = 50
		}
		if s.sc.MaxPageSize > 0 {
			pageSize = min(pageSize, s.sc.MaxPageSize)
		}
		if n, err := strconv.Atoi(get("page_no")); err == nil && n > 0 {
			pageNo = n
		}
		from := min((pageNo-1)*pageSize, total)
		idx = idx[from:min(from+pageSize, total)]
	}
	var b bytes.Buffer
	b.Grow(len(idx) * 900)
	switch {
	case paged:
		fmt.Fprintf(&b, `{"page_no":%d,"page_size":%d,"record_count":%d,"agents":`, pageNo, pageSize, claimed)
	case s.sc.Wrapped:
		fmt.Fprintf(&b, `{"record_count":%d,"agents":`, claimed)
	}
	b.WriteByte('[')
	for i, k := range idx {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(s.dataset().agentJSON[k])
	}
	b.WriteByte(']')
	if paged || s.sc.Wrapped {
		b.WriteByte('}')
	}
	writeRaw(w, b.Bytes())
}

// list writes a bare array, or a wrapper object in the Wrapped scenario.
func (s *Server) list(w http.ResponseWriter, key string, items any) {
	b, _ := json.Marshal(items)
	if string(b) == "null" {
		b = []byte("[]")
	}
	if s.sc.Wrapped {
		n := 0
		var arr []json.RawMessage
		if json.Unmarshal(b, &arr) == nil {
			n = len(arr)
		}
		b = fmt.Appendf(nil, `{"record_count":%d,%q:%s}`, n, key, b)
	}
	writeRaw(w, b)
}

func boolParam(v string, def bool) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes":
		return true
	case "false", "0", "no":
		return false
	}
	return def
}

func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "No HTTP resource was found that matches the request URI."})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeRaw(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
