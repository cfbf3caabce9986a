package halo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
)

// maxAgentPages bounds one pull's paging (with Halo's 100 per page, 100,000
// agents), whatever record_count claims.
const maxAgentPages = 1000

// AgentOptions chooses which agents /Agent returns besides enabled ones.
// Halo hides disabled and API-only agents unless asked.
type AgentOptions struct {
	IncludeDisabled  bool
	IncludeAPIAgents bool
}

// PullProgress reports how far a pull has got. Stage is "agents", "teams",
// "departments", "organisations" or "done", or "contacts" for the contacts
// pull (Client.Contacts). PagesTotal, AgentsTotal and ContactsTotal are
// estimates from Halo's record_count until the last page.
type PullProgress struct {
	Stage         string
	Pages         int
	PagesTotal    int
	Agents        int
	AgentsTotal   int
	Contacts      int
	ContactsTotal int
}

// getJSON fetches one record's answer (Agent/me): read whole, up to what a
// list answer of few records may take (minAnswerBytes).
func (c *Client) getJSON(ctx context.Context, path string, q url.Values) ([]byte, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, path, q)
	if err != nil {
		return nil, newError(KindURL, "", "", err)
	}
	body, _, err := c.doWith(ctx, req, readOpts{limit: minAnswerBytes})
	return body, err
}

// getList fetches and decodes one list answer (key is its array property)
// as a stream, bounded like every list (see checkListSize) and in bytes
// (see answerBudget); it returns the bytes read, for a pull's total.
func getList[T any](ctx context.Context, c *Client, path string, q url.Values, key, what string) ([]T, listMeta, int, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, path, q)
	if err != nil {
		return nil, listMeta{}, 0, newError(KindURL, "", "", err)
	}
	var (
		items   []T
		meta    listMeta
		message string
		read    int64
	)
	_, _, err = c.doWith(ctx, req, readOpts{stream: func(body io.Reader) error {
		records := 0
		b := &answerBudget{r: body, limit: c.max, records: &records}
		var derr error
		items, meta, message, derr = readList[T](b, key, c.cfg.MaxListItems, &records)
		read = b.n
		return derr
	}})
	if err != nil {
		return nil, meta, int(read), c.listError(path, what, message, err)
	}
	return items, meta, int(read), nil
}

// listError words why the list answer for /api/path could not be taken:
// too many records or bytes, Halo's access message (some versions refuse
// with a 200 and a message), a web page, or JSON that does not read.
// Errors of the request itself (*Error) pass through.
func (c *Client) listError(path, what, message string, err error) error {
	var he *Error
	var big *answerTooLargeError
	switch {
	case errors.As(err, &he):
		return err
	case errors.Is(err, errTooManyRecords):
		return c.checkListSize(what, c.cfg.MaxListItems+1)
	case errors.As(err, &big):
		return newError(KindBadResponse, "", fmt.Sprintf("Halo's answer for /api/%s is larger than %s for %s; this app stops there.",
			path, byteSize(big.limit), CountOf(big.records, "record")), nil)
	}
	if e := c.accessDeniedText(path, message); e != nil {
		return e
	}
	return unreadableAnswer("/api/"+path, errors.Is(err, errHTMLBody), err)
}

// checkListSize is the one cap on how many records a list may hold (agents
// across all their pages, teams, departments, organisations): far past any
// real Halo, it keeps a server that claims or sends endless records from
// filling memory, the database and every report.
func (c *Client) checkListSize(what string, n int) error {
	if n > c.cfg.MaxListItems {
		return newError(KindBadResponse, "", fmt.Sprintf("Halo's list of %s has more than %d records; this app stops there.", what, c.cfg.MaxListItems), nil)
	}
	return nil
}

// Me returns the agent the application logs in as (GET /api/Agent/me).
func (c *Client) Me(ctx context.Context) (Agent, error) {
	body, err := c.getJSON(ctx, "Agent/me", nil)
	if err != nil {
		return Agent{}, err
	}
	a, ok, err := decodeOne[Agent](body, "agents")
	if err != nil {
		return Agent{}, c.decodeError("/api/Agent/me", body, err)
	}
	if !ok {
		return Agent{}, newError(KindBadResponse, "", "Halo returned no agent for /api/Agent/me.", nil)
	}
	return a, nil
}

// Agents lists the agents the API agent can see. When Halo reports
// record_count, the remaining pages are fetched in parallel (bounded by
// PageConcurrency) until a short page (see pageAll). progress may be nil;
// it is called from this goroutine only.
func (c *Client) Agents(ctx context.Context, opt AgentOptions, progress func(PullProgress)) ([]Agent, error) {
	spec := listSpec{path: "Agent", key: "agents", what: "agents", one: "agent", filter: url.Values{
		"includeenabled":   {"true"},
		"includedisabled":  {strconv.FormatBool(opt.IncludeDisabled)},
		"includeapiagents": {strconv.FormatBool(opt.IncludeAPIAgents)},
	}}
	var report pageProgress
	if progress != nil {
		report = func(pages, pagesTotal, agents, agentsTotal int) {
			progress(PullProgress{Stage: "agents", Pages: pages, PagesTotal: pagesTotal, Agents: agents, AgentsTotal: agentsTotal})
		}
	}
	return pageAll(ctx, c, spec, func(a Agent) int { return a.ID }, report)
}

// byteSize words a byte limit: "256 MiB", "20 KiB".
func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// Teams lists the teams the API agent can see, inactive ones included.
func (c *Client) Teams(ctx context.Context) ([]Team, error) {
	q := url.Values{}
	q.Set("includeenabled", "true")
	q.Set("includedisabled", "true")
	teams, _, _, err := getList[Team](ctx, c, "Team", q, "teams", "teams")
	return teams, err
}

// treeWire is a Tree_List record of /TopLevel.
type treeWire struct {
	ID               int    `json:"id"`
	Name             string `json:"name"`
	AgentDepartment  *bool  `json:"agent_department"`
	OrganisationID   int    `json:"organisation_id"`
	OrganisationName string `json:"organisation_name"`
}

// topLevelDepartments asks /TopLevel for agent departments. Records that
// say they are not agent departments (customer top levels) are dropped.
func (c *Client) topLevelDepartments(ctx context.Context) ([]Department, error) {
	q := url.Values{}
	q.Set("agent_departments_only", "true")
	recs, _, _, err := getList[treeWire](ctx, c, "TopLevel", q, "tree", "departments")
	if err != nil {
		return nil, err
	}
	out := make([]Department, 0, len(recs))
	for _, r := range recs {
		if r.AgentDepartment != nil && !*r.AgentDepartment {
			continue
		}
		out = append(out, Department{ID: r.ID, Name: r.Name, OrganisationID: r.OrganisationID, OrganisationName: r.OrganisationName})
	}
	return out, nil
}

// Departments lists agent departments: from /TopLevel with the agent
// department filter, completed by (or, when /TopLevel is unavailable or
// plainly answered with customer top levels, replaced by) the departments
// named in the agents' memberships.
func (c *Client) Departments(ctx context.Context, agents []Agent) ([]Department, error) {
	top, err := c.topLevelDepartments(ctx)
	deps, _, derr := mergeDepartments(top, err, agents, nil)
	return deps, derr
}

// mergeDepartments combines /TopLevel's answer with the memberships found on
// agents and teams. source says where the list came from, for the check.
func mergeDepartments(top []Department, topErr error, agents []Agent, teams []Team) ([]Department, string, error) {
	derived := deriveDepartments(agents, teams)
	if topErr != nil {
		if KindOf(topErr) == KindCanceled {
			return nil, "", topErr
		}
		if len(derived) == 0 && len(agents) == 0 {
			return nil, "", topErr
		}
		return derived, "derived", nil
	}
	if len(derived) > 0 && len(top) > 0 {
		overlap := false
		ids := make(map[int]bool, len(top))
		for _, d := range top {
			ids[d.ID] = true
		}
		for _, d := range derived {
			if ids[d.ID] {
				overlap = true
				break
			}
		}
		if !overlap {
			// The filter was ignored and these are customer top levels.
			return derived, "derived", nil
		}
	}
	byID := make(map[int]bool, len(top))
	out := append([]Department(nil), top...)
	for _, d := range top {
		byID[d.ID] = true
	}
	added := false
	for _, d := range derived {
		if !byID[d.ID] {
			out = append(out, d)
			added = true
		}
	}
	sortDepartments(out)
	if len(top) == 0 && len(derived) > 0 {
		return out, "derived", nil
	}
	if added {
		return out, "toplevel+derived", nil
	}
	return out, "toplevel", nil
}

func deriveDepartments(agents []Agent, teams []Team) []Department {
	m := map[int]Department{}
	for _, a := range agents {
		for _, d := range a.Departments {
			if d.DepartmentID != 0 && m[d.DepartmentID].Name == "" {
				m[d.DepartmentID] = Department{ID: d.DepartmentID, Name: d.DepartmentName}
			}
		}
	}
	for _, t := range teams {
		if t.DepartmentID != 0 && m[t.DepartmentID].Name == "" {
			m[t.DepartmentID] = Department{ID: t.DepartmentID, Name: t.DepartmentName}
		}
	}
	out := make([]Department, 0, len(m))
	for _, d := range m {
		if d.Name == "" {
			d.Name = fmt.Sprintf("Department %d", d.ID)
		}
		out = append(out, d)
	}
	sortDepartments(out)
	return out
}

func sortDepartments(d []Department) {
	sort.SliceStable(d, func(i, j int) bool { return d[i].ID < d[j].ID })
}

// Organisations lists the organisations (more than one means multi-tenancy).
func (c *Client) Organisations(ctx context.Context) ([]Organisation, error) {
	orgs, _, _, err := getList[Organisation](ctx, c, "Organisation", nil, "organisations", "organisations")
	return orgs, err
}

// pullResult holds the raw outcome of the parallel calls shared by Pull and
// the systems check.
type pullResult struct {
	agents    []Agent
	agentsErr error
	teams     []Team
	teamsErr  error
	top       []Department
	topErr    error
	orgs      []Organisation
	orgsErr   error
}

// fetchAll runs the agents, teams, departments and organisations calls in
// parallel. done, if set, is called (serialised) as each call finishes.
func (c *Client) fetchAll(ctx context.Context, progress func(PullProgress), done func(what string, r *pullResult)) *pullResult {
	r := &pullResult{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	finish := func(what string) {
		if done != nil {
			mu.Lock()
			defer mu.Unlock()
			done(what, r)
		}
	}
	run := func(what string, f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
			finish(what)
		}()
	}
	run("agents", func() {
		a, err := c.Agents(ctx, AgentOptions{IncludeDisabled: true, IncludeAPIAgents: true}, progress)
		mu.Lock()
		r.agents, r.agentsErr = a, err
		mu.Unlock()
	})
	run("teams", func() {
		t, err := c.Teams(ctx)
		mu.Lock()
		r.teams, r.teamsErr = t, err
		mu.Unlock()
	})
	run("departments", func() {
		d, err := c.topLevelDepartments(ctx)
		mu.Lock()
		r.top, r.topErr = d, err
		mu.Unlock()
	})
	run("organisations", func() {
		o, err := c.Organisations(ctx)
		mu.Lock()
		r.orgs, r.orgsErr = o, err
		mu.Unlock()
	})
	wg.Wait()
	return r
}

// orgsHidden reports whether an /Organisation failure only means the API
// agent may not list organisations (403) or this Halo has no such endpoint
// (404). Anything else (rate limit, server error, an unreadable answer) is
// a failure of the pull like any other list's.
func orgsHidden(err error) bool {
	s := statusOf(err)
	return s == http.StatusForbidden || s == http.StatusNotFound
}

// statusOf is the HTTP status of an *Error, 0 when there was none.
func statusOf(err error) int {
	var he *Error
	if errors.As(err, &he) {
		return he.Status
	}
	return 0
}

// snapshot turns a fetch into a Snapshot: agents and teams must have
// succeeded; departments fall back to memberships; organisations may be
// unknown only when Halo would not list them (orgsHidden): an empty list
// from a failed call would otherwise replace the stored organisations.
func (r *pullResult) snapshot() (Snapshot, string, error) {
	if r.agentsErr != nil {
		return Snapshot{}, "", r.agentsErr
	}
	if r.teamsErr != nil {
		return Snapshot{}, "", r.teamsErr
	}
	deps, source, err := mergeDepartments(r.top, r.topErr, r.agents, r.teams)
	if err != nil {
		return Snapshot{}, "", err
	}
	orgs := r.orgs
	if r.orgsErr != nil {
		if !orgsHidden(r.orgsErr) {
			return Snapshot{}, "", r.orgsErr
		}
		orgs = nil
	}
	return Snapshot{Agents: r.agents, Teams: r.teams, Departments: deps, Organisations: orgs}, source, nil
}

// Pull fetches everything the mapping needs: all agents (disabled and
// API-only included), teams, departments and organisations, with the calls
// in parallel. Cancelling ctx stops it and returns a KindCanceled error.
func (c *Client) Pull(ctx context.Context, progress func(PullProgress)) (Snapshot, error) {
	if err := c.Authenticate(ctx); err != nil {
		return Snapshot{}, err
	}
	var mu sync.Mutex
	safe := func(p PullProgress) {
		if progress != nil {
			mu.Lock()
			defer mu.Unlock()
			progress(p)
		}
	}
	// Bulk work (a sync): the pull takes at most the RateShare of the
	// limit; the systems check's pull (RunCheck) is not held to it.
	r := c.fetchAll(withBulk(ctx), safe, func(what string, r *pullResult) {
		if what != "agents" {
			safe(PullProgress{Stage: what})
		}
	})
	if err := ctx.Err(); err != nil {
		// A deadline's error names the list that was still coming.
		for _, e := range []error{r.agentsErr, r.teamsErr, r.topErr, r.orgsErr} {
			if KindOf(e) == KindTimeout {
				return Snapshot{}, e
			}
		}
		return Snapshot{}, classifyTransport(ctx, err, c.inst.Host)
	}
	s, _, err := r.snapshot()
	if err != nil {
		return Snapshot{}, err
	}
	safe(PullProgress{Stage: "done", Agents: len(s.Agents), AgentsTotal: len(s.Agents)})
	return s, nil
}
