package halotest

// What the simulated Halo saw and serves, for tests to assert on.

import (
	"bytes"
	"net/http"
	"sort"
	"strings"
	"time"
)

// MaxInFlight is the largest number of requests for a path (case-
// insensitive) that the server was serving at the same time, so tests can
// check that a client bounds its concurrency.
func (s *Server) MaxInFlight(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak[strings.ToLower(path)]
}

// tracked counts requests in flight per path around h. The answer is
// held until the request no longer counts: a client that has read a whole
// answer may start its next request at once, and must not find the
// previous one still counted (MaxInFlight would then exceed the client's
// real concurrency by one).
func (s *Server) tracked(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.ToLower(r.URL.Path)
		s.mu.Lock()
		if s.inFlight == nil {
			s.inFlight, s.peak = map[string]int{}, map[string]int{}
		}
		s.inFlight[p]++
		s.peak[p] = max(s.peak[p], s.inFlight[p])
		s.mu.Unlock()
		held := &heldAnswer{header: http.Header{}}
		h.ServeHTTP(held, r)
		s.mu.Lock()
		s.inFlight[p]--
		s.mu.Unlock()
		held.sendTo(w)
	})
}

// heldAnswer is an http.ResponseWriter that keeps the answer until sendTo.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *heldAnswer) Header() http.Header { return a.header }

func (a *heldAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *heldAnswer) Write(b []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	return a.body.Write(b)
}

func (a *heldAnswer) sendTo(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body.Bytes())
}

// TokenRequests is the number of token requests received.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenReqs
}

// MaxInWindow is the largest number of requests that arrived within any
// window of length d (wall clock).
func (s *Server) MaxInWindow(d time.Duration) int {
	s.mu.Lock()
	t := append([]time.Time(nil), s.arrivals...)
	s.mu.Unlock()
	sort.Slice(t, func(i, j int) bool { return t[i].Before(t[j]) })
	best, lo := 0, 0
	for hi := range t {
		for t[hi].Sub(t[lo]) >= d {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// Rejected is the number of requests answered 429.
func (s *Server) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// LastScope is the scope of the last token request.
func (s *Server) LastScope() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastScope
}

// UserAgents lists the distinct User-Agent headers received.
func (s *Server) UserAgents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.uas))
	for ua := range s.uas {
		out = append(out, ua)
	}
	sort.Strings(out)
	return out
}

// ResetStats clears the request counters (not the tokens).
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.arrivals, s.paths, s.tokenReqs, s.rejected = nil, map[string]int{}, 0, 0
	s.peak = map[string]int{}
}

// VisibleAgents is how many agents /Agent returns to the API agent with
// these filters (enabled agents are always included).
func (s *Server) VisibleAgents(includeDisabled, includeAPI bool) int {
	return len(s.dataset().selectAgents(true, includeDisabled, includeAPI))
}

// VisibleTeams is how many teams /Team returns to the API agent.
func (s *Server) VisibleTeams() int { return len(s.dataset().visibleTeams) }

// VisibleDepartments is how many departments /TopLevel returns.
func (s *Server) VisibleDepartments() int { return len(s.dataset().visibleDepts) }

// OrganisationCount is how many organisations /Organisation returns.
func (s *Server) OrganisationCount() int { return len(s.dataset().orgs) }

// APIAgentName is the display name of the agent the application logs in as.
func (s *Server) APIAgentName() string { return s.dataset().agents[s.dataset().api].Name }

// AgentNames lists every agent's name (visible or not), in id order.
func (s *Server) AgentNames() []string {
	out := make([]string, len(s.dataset().agents))
	for i, a := range s.dataset().agents {
		out[i] = a.Name
	}
	return out
}
