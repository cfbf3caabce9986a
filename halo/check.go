package halo

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptrace"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Status is the outcome of one check ("running" only in progress events).
type Status string

// Check statuses.
const (
	StatusPass    Status = "pass"
	StatusWarn    Status = "warn"
	StatusFail    Status = "fail"
	StatusSkip    Status = "skip"
	StatusRunning Status = "running"
)

// Check ids, in the order they run and are reported.
const (
	CheckURL           = "url"
	CheckReachable     = "reachable"
	CheckHalo          = "halo"
	CheckToken         = "token"
	CheckIdentity      = "identity"
	CheckAgents        = "agents"
	CheckTeams         = "teams"
	CheckDepartments   = "departments"
	CheckOrganisations = "organisations"
)

// checkDef defines one check, once: adding a check is one entry in checks
// plus its result function. Entries run and are reported in table order;
// the ids and their order are the `check --json` contract.
type checkDef struct {
	ID    string
	Title string
	// Proves lists the checklist steps (halo.Checklist ids) a pass proves.
	Proves []string
	// Pull: the check reads one of the lists the data pull stores, so its
	// progress is the pull's progress.
	Pull bool

	// A gate runs before the token is known to work, in order, one after
	// the other: it finishes its own result and returns why the checks
	// after it are skipped ("" to go on).
	gate func(run *checkRun, e *checkEnv) (skipRest string)
	// sharesRequest names the gate whose request also answers this gate:
	// both show "running" together.
	sharesRequest string

	// Checks after the token run in parallel. needs lists the answers the
	// result reads: requestMe, the pull's lists (pullAgents, …) or the
	// check's own request (its id, with request set).
	needs []string
	// request is the check's own call, run in parallel with the pull; its
	// answer is in e.answers[ID].
	request func(ctx context.Context, c *Client) (any, error)
	// result turns the complete answers into the check's line, and may fill
	// the report's counts.
	result func(e *checkEnv) CheckResult
}

// Names of the answers the parallel checks wait for: the API agent itself,
// and fetchAll's lists (its "what" names).
const (
	requestMe         = "me"
	pullAgents        = "agents"
	pullTeams         = "teams"
	pullDepartments   = "departments"
	pullOrganisations = "organisations"
)

// checks is every check, in the order they run and are reported.
var checks = []checkDef{
	{ID: CheckURL, Title: "Halo URL", gate: urlGate},
	{ID: CheckReachable, Title: "Server reachable", gate: reachableGate},
	{ID: CheckHalo, Title: "Halo answers", gate: haloGate, sharesRequest: CheckReachable},
	{ID: CheckToken, Title: "Client ID and Secret", gate: tokenGate,
		// Working credentials prove the application was created and saved correctly.
		Proves: []string{"halo-9", "halo-10", "halo-11", "halo-12", "halo-13"}},
	{ID: CheckIdentity, Title: "API agent", Pull: true, needs: []string{requestMe}, result: identityCheck,
		// A pass means the application logs in as an API-only agent.
		Proves: []string{"agent-3", "agent-login"}},
	{ID: CheckAgents, Title: "Agents visible", Pull: true, needs: []string{pullAgents, requestMe}, result: agentsCheck},
	{ID: CheckTeams, Title: "Teams", Pull: true, needs: []string{pullTeams}, result: teamsCheck},
	{ID: CheckDepartments, Title: "Departments", Pull: true,
		needs: []string{pullDepartments, pullAgents, pullTeams}, result: departmentsCheck},
	{ID: CheckOrganisations, Title: "Organisations", Pull: true, needs: []string{pullOrganisations}, result: organisationsCheck},
	firstCallEntry(CheckContacts, "Contacts (callers)", (*Client).ProbeContacts),
	firstCallEntry(CheckCustomers, "Customers", (*Client).ProbeCustomers),
	firstCallEntry(CheckTickets, "Tickets", (*Client).ProbeTickets),
}

// checkIDs and checkTitles index checks; built in init because the
// checks' functions refer to them (a variable initialiser would be a cycle).
var (
	checkIDs    []string
	checkTitles = map[string]string{}
)

func init() {
	for _, d := range checks {
		checkIDs = append(checkIDs, d.ID)
		checkTitles[d.ID] = d.Title
	}
}

// CheckIDs returns the stable, ordered list of check ids.
func CheckIDs() []string { return append([]string(nil), checkIDs...) }

// CheckTitle returns the display title of a check id.
func CheckTitle(id string) string { return checkTitles[id] }

// PullCheckIDs returns the checks whose answers make up the data pull, in
// order: their progress is the pull's progress.
func PullCheckIDs() []string {
	var ids []string
	for _, d := range checks {
		if d.Pull {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

// CheckResult is one line of the systems check.
type CheckResult struct {
	ID       string
	Title    string
	Status   Status
	Detail   string
	Fix      string
	Step     string // checklist step id the fix refers to
	Duration time.Duration
}

type checkResultJSON struct {
	ID     string `json:"id"`
	Status Status `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
	MS     int64  `json:"ms"`
	Step   string `json:"step,omitempty"`
}

// MarshalJSON writes the `check --json` shape: id, status, title, detail,
// fix, ms (+ step).
func (r CheckResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(checkResultJSON{r.ID, r.Status, r.Title, r.Detail, r.Fix, r.Duration.Milliseconds(), r.Step})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *CheckResult) UnmarshalJSON(b []byte) error {
	var w checkResultJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = CheckResult{ID: w.ID, Title: w.Title, Status: w.Status, Detail: w.Detail, Fix: w.Fix, Step: w.Step, Duration: time.Duration(w.MS) * time.Millisecond}
	return nil
}

// FormValues are the values to type into 1stream's CRM connection form.
// The Client Secret ("API Private Key") is never carried.
type FormValues struct {
	CRMPlatform    string `json:"crm_platform"`
	CRMCompany     string `json:"crm_company"`
	APIKey         string `json:"api_key"`
	Endpoint       string `json:"endpoint"`
	CRMDetailsLink string `json:"crm_details_link"`
}

// AgentCounts summarises the agents the API agent can see.
type AgentCounts struct {
	Visible  int `json:"visible"`
	Enabled  int `json:"enabled"`
	Disabled int `json:"disabled"`
	APIOnly  int `json:"api_only"`
}

// Report is the outcome of RunCheck. Its JSON is the `check --json`
// contract; Tenant, timing and the Snapshot stay out of it.
type Report struct {
	OK            bool          `json:"ok"`
	Instance      string        `json:"instance"`
	Checks        []CheckResult `json:"checks"`
	OneStream     FormValues    `json:"onestream"`
	Agents        AgentCounts   `json:"agents"`
	Teams         int           `json:"teams"`
	Departments   int           `json:"departments"`
	Organisations int           `json:"organisations"`

	Tenant   string        `json:"-"`
	Started  time.Time     `json:"-"`
	Duration time.Duration `json:"-"`
	Snapshot *Snapshot     `json:"-"` // the pulled data; nil unless OK
}

// Check returns the result with the given id (zero value if absent).
func (r Report) Check(id string) CheckResult {
	for _, c := range r.Checks {
		if c.ID == id {
			return c
		}
	}
	return CheckResult{}
}

// CRMPlatform is what to pick in 1stream's "CRM Platform" drop-down.
const CRMPlatform = "HaloPSA"

// checkRun holds the state of one RunCheck.
type checkRun struct {
	ctx      context.Context
	progress func(CheckResult)

	mu       sync.Mutex
	results  map[string]*CheckResult
	started  map[string]time.Time
	finished map[string]bool
}

func (r *checkRun) start(ids ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	for _, id := range ids {
		r.started[id] = now
		r.emitLocked(CheckResult{ID: id, Title: checkTitles[id], Status: StatusRunning})
	}
}

func (r *checkRun) emitLocked(c CheckResult) {
	if r.progress != nil {
		r.progress(c)
	}
}

// finish records a final result once; later calls for the same id are ignored.
func (r *checkRun) finish(c CheckResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finishLocked(c)
}

func (r *checkRun) finishLocked(c CheckResult) {
	if r.finished[c.ID] {
		return
	}
	r.finished[c.ID] = true
	c.Title = checkTitles[c.ID]
	c.Detail = clipRunes(c.Detail, maxDetailRunes)
	if t, ok := r.started[c.ID]; ok && c.Duration == 0 {
		c.Duration = time.Since(t)
	}
	r.results[c.ID] = &c
	r.emitLocked(c)
}

func (r *checkRun) isStarted(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.started[id]
	return ok
}

func (r *checkRun) isFinished(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.finished[id]
}

// skipRest marks every unfinished check as skipped with the reason.
func (r *checkRun) skipRest(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range checkIDs {
		if !r.finished[id] {
			r.finishLocked(CheckResult{ID: id, Status: StatusSkip, Detail: reason})
		}
	}
}

// cancelled reports (and records) a cancellation.
func (r *checkRun) cancelled() bool {
	if r.ctx.Err() == nil {
		return false
	}
	r.skipRest(stopReason(r.ctx))
	return true
}

func fromError(id string, err error) CheckResult {
	c := CheckResult{ID: id, Status: StatusFail, Detail: err.Error()}
	var he *Error
	if errors.As(err, &he) {
		c.Fix, c.Step = he.Fix, he.Step
		if he.Description != "" && !strings.Contains(c.Detail, he.Description) {
			c.Detail += " Halo said: " + he.Description
		}
		if he.Kind == KindCanceled {
			c.Status, c.Detail, c.Fix, c.Step = StatusSkip, "Cancelled.", "", ""
		}
	}
	return c
}

func withAdvice(c CheckResult, key string) CheckResult {
	a := AdviceFor(key)
	c.Fix, c.Step = a.Fix, a.Step
	return c
}

// checkEnv is what the checks of one run share: the settings, the client,
// the report they fill and the answers they read.
type checkEnv struct {
	ctx  context.Context
	cfg  Config
	rep  *Report
	inst Instance

	client    *Client
	clientErr error // a configuration the client could not use (e.g. the CA file)
	authInfo  AuthInfo
	authErr   error
	trace     *connTrace

	// After the token: answers by name (see needs), guarded by checkRun's
	// caller; done says which have arrived.
	me      *Agent
	meErr   error
	pull    *pullResult
	answers map[string]answer
	done    map[string]bool
}

// answer is what a check's own request returned.
type answer struct {
	Value any
	Err   error
}

// RunCheck runs the systems check: the gates (url, reachable, halo, token)
// one after the other, then every later check in parallel, each finishing
// as soon as the answers it needs are in (see checks).
// progress (optional, never called concurrently) gets "running" and then
// the final result of each check. A check whose prerequisite failed is
// "skip" with the reason; after ctx is cancelled the rest are "skip" with
// "Cancelled.". Report.Snapshot holds the pulled data only when the
// connection and every check of the pull passed: a failed check, e.g. an
// API agent in no team that sees only itself, must never offer its partial
// view to replace stored data. (A failed contacts, customers or tickets
// check leaves the pulled agents whole, so they are still offered.)
func RunCheck(ctx context.Context, cfg Config, progress func(CheckResult)) (rep Report) {
	rep.Started = time.Now()
	run := &checkRun{ctx: ctx, progress: progress, results: map[string]*CheckResult{}, started: map[string]time.Time{}, finished: map[string]bool{}}
	var snap *Snapshot
	defer func() {
		rep.Duration = time.Since(rep.Started)
		rep.Checks = make([]CheckResult, 0, len(checkIDs))
		ok := ctx.Err() == nil
		pullOK := ok
		for _, d := range checks {
			c := run.results[d.ID]
			if c == nil {
				c = &CheckResult{ID: d.ID, Title: d.Title, Status: StatusSkip, Detail: "Not run."}
			}
			if c.Status == StatusFail {
				ok = false
				// A check with its own request (contacts…) says nothing
				// about the pulled lists, so it does not void them.
				pullOK = pullOK && d.request != nil
			}
			rep.Checks = append(rep.Checks, *c)
		}
		rep.OK = ok
		if pullOK {
			rep.Snapshot = snap
		}
	}()
	rep.OneStream = FormValues{CRMPlatform: CRMPlatform, APIKey: strings.TrimSpace(cfg.ClientID)}
	e := &checkEnv{ctx: ctx, cfg: cfg, rep: &rep, answers: map[string]answer{}, done: map[string]bool{}}
	var parallel []checkDef
	for _, d := range checks {
		if d.gate == nil {
			parallel = append(parallel, d)
			continue
		}
		if run.cancelled() {
			return rep
		}
		if !run.isStarted(d.ID) {
			ids := []string{d.ID}
			for _, o := range checks {
				if o.sharesRequest == d.ID {
					ids = append(ids, o.ID)
				}
			}
			run.start(ids...)
		}
		if skip := d.gate(run, e); skip != "" {
			run.skipRest(skip)
			return rep
		}
	}
	if run.cancelled() {
		return rep
	}
	if fetched := runParallel(run, e, parallel); fetched != nil && !run.cancelled() {
		if s, _, err := fetched.snapshot(); err == nil {
			snap = &s
		}
	}
	return rep
}

// runParallel starts the checks after the token together: the API agent
// (Me), the pull's lists and each check's own request run at once, and each
// check finishes as soon as the answers it needs are in.
func runParallel(run *checkRun, e *checkEnv, defs []checkDef) *pullResult {
	ids := make([]string, len(defs))
	for i, d := range defs {
		ids[i] = d.ID
	}
	run.start(ids...)
	var mu sync.Mutex
	// evaluate finalises every check whose answers are complete; mu held.
	evaluate := func() {
		for _, d := range defs {
			if run.isFinished(d.ID) {
				continue
			}
			ready := true
			for _, n := range d.needs {
				ready = ready && e.done[n]
			}
			if ready {
				run.finish(d.result(e))
			}
		}
	}
	arrived := func(name string, set func()) {
		mu.Lock()
		defer mu.Unlock()
		set()
		e.done[name] = true
		evaluate()
	}
	c := e.client
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a, err := c.Me(e.ctx)
		arrived(requestMe, func() {
			e.meErr = err
			if err == nil {
				e.me = &a
			}
		})
	}()
	for _, d := range defs {
		if d.request == nil {
			continue
		}
		wg.Add(1)
		go func(d checkDef) {
			defer wg.Done()
			v, err := d.request(e.ctx, c)
			arrived(d.ID, func() { e.answers[d.ID] = answer{v, err} })
		}(d)
	}
	var onPull func(PullProgress)
	if c.cfg.OnPull != nil {
		var pmu sync.Mutex
		onPull = func(p PullProgress) {
			pmu.Lock()
			defer pmu.Unlock()
			c.cfg.OnPull(p)
		}
	}
	fetched := c.fetchAll(e.ctx, onPull, func(what string, r *pullResult) {
		arrived(what, func() { e.pull = r })
	})
	wg.Wait()
	mu.Lock()
	e.pull = fetched
	evaluate()
	mu.Unlock()
	return fetched
}

// urlGate checks the URL and builds the client. A configuration the client
// cannot use (an unreadable CA file) is reported by "reachable".
func urlGate(run *checkRun, e *checkEnv) string {
	inst, err := ParseInstance(e.cfg.URL)
	if err != nil {
		run.finish(fromError(CheckURL, err))
		return "Skipped: the Halo URL is not valid."
	}
	e.inst = inst
	e.rep.Instance = inst.Base
	e.rep.OneStream.Endpoint = inst.APIURL
	e.rep.OneStream.CRMDetailsLink = inst.DetailsURL
	c, err := NewClient(e.cfg)
	if err != nil && KindOf(err) != KindConfig {
		run.finish(fromError(CheckURL, err))
		return "Skipped: the URL settings are not valid."
	}
	e.client, e.clientErr = c, err
	run.finish(CheckResult{ID: CheckURL, Status: StatusPass, Detail: urlDetail(e.cfg.URL, inst)})
	return ""
}

// reachableGate asks /api/authinfo; that one request answers "halo" too.
func reachableGate(run *checkRun, e *checkEnv) string {
	if e.clientErr != nil {
		run.finish(fromError(CheckReachable, e.clientErr))
		return "Skipped: the connection settings could not be used."
	}
	e.trace = &connTrace{}
	e.authInfo, e.authErr = e.client.Discover(httptrace.WithClientTrace(e.ctx, e.trace.trace()))
	if run.cancelled() {
		return ""
	}
	e.rep.Tenant = e.authInfo.Tenant
	e.rep.OneStream.CRMCompany = e.authInfo.Tenant
	if e.authErr != nil && !e.trace.connected() {
		run.finish(fromError(CheckReachable, e.authErr))
		return "Skipped: the Halo server could not be reached."
	}
	run.finish(CheckResult{ID: CheckReachable, Status: StatusPass, Detail: e.trace.detail(e.inst.Host), Duration: e.trace.duration()})
	return ""
}

func haloGate(run *checkRun, e *checkEnv) string {
	if e.authErr != nil {
		run.finish(fromError(CheckHalo, e.authErr))
		return "Skipped: the server did not answer like Halo."
	}
	run.finish(haloResult(e.authInfo))
	return ""
}

func tokenGate(run *checkRun, e *checkEnv) string {
	ti, err := e.client.Token(e.ctx)
	if run.cancelled() {
		return ""
	}
	if err != nil {
		res := fromError(CheckToken, err)
		if hint := credentialHints(e.cfg, err); hint != "" {
			res.Detail += " " + hint
		}
		run.finish(res)
		return "Skipped: no access token."
	}
	run.finish(tokenResult(e.authInfo, ti, e.cfg))
	return ""
}

func identityCheck(e *checkEnv) CheckResult {
	if e.meErr != nil {
		return fromError(CheckIdentity, e.meErr)
	}
	return identityResult(*e.me)
}

func agentsCheck(e *checkEnv) CheckResult {
	if e.pull.agentsErr != nil {
		return fromError(CheckAgents, e.pull.agentsErr)
	}
	meID := 0
	if e.me != nil {
		meID = e.me.ID
	}
	res, counts := agentsResult(e.pull.agents, meID)
	e.rep.Agents = counts
	return res
}

func teamsCheck(e *checkEnv) CheckResult {
	if e.pull.teamsErr != nil {
		return fromError(CheckTeams, e.pull.teamsErr)
	}
	e.rep.Teams = len(e.pull.teams)
	return teamsResult(e.pull.teams)
}

func departmentsCheck(e *checkEnv) CheckResult {
	res, n := departmentsResult(e.pull)
	e.rep.Departments = n
	return res
}

func organisationsCheck(e *checkEnv) CheckResult {
	res, n := organisationsResult(e.pull.orgs, e.pull.orgsErr)
	e.rep.Organisations = n
	return res
}

func urlDetail(raw string, inst Instance) string {
	d := fmt.Sprintf("Halo at %s (API %s).", inst.Base, inst.APIURL)
	if in := cleanPasted(raw); in != inst.Base && in != inst.APIURL && in != inst.DetailsURL {
		d += fmt.Sprintf(" You entered %q; this is its canonical form.", in)
	}
	return d
}

func haloResult(ai AuthInfo) CheckResult {
	c := CheckResult{ID: CheckHalo, Status: StatusPass}
	tenant := "no tenant (on-premise style)"
	if ai.TenantID != "" {
		tenant = "tenant " + ai.TenantID
	}
	switch ai.Source {
	case "authinfo":
		c.Detail = fmt.Sprintf("Halo answered /api/authinfo: authorisation server %s, %s.", ai.AuthURL, tenant)
		if ai.Warning != "" { // an auth server on another host
			c.Status, c.Detail = StatusWarn, c.Detail+" "+ai.Warning
		}
	case "override":
		c.Detail = fmt.Sprintf("Using your authorisation server %s (%s).", ai.AuthURL, tenant)
		if ai.Warning != "" {
			c.Detail = fmt.Sprintf("Using your authorisation server %s; %s.", ai.AuthURL, strings.TrimSuffix(ai.Warning, "."))
		}
	default:
		c.Status = StatusWarn
		c.Detail = ai.Warning
		c = withAdvice(c, AdviceAuthInfoMissing)
	}
	return c
}

func tokenResult(ai AuthInfo, ti TokenInfo, cfg Config) CheckResult {
	d := "Halo accepted the Client ID and Secret and issued a " + ti.Type + " token"
	if ti.ExpiresIn > 0 {
		d += " valid for " + humanDuration(ti.ExpiresIn)
	}
	if ti.Scope != "" {
		d += ", scope \"" + ti.Scope + "\""
	}
	d += " (token URL " + ai.TokenURL + ")."
	if t := normTenant(cfg.Tenant); t != "" && ai.TenantID != "" && !strings.EqualFold(t, ai.TenantID) {
		d += fmt.Sprintf(" Note: your Tenant %q differs from the tenant Halo reports (%q).", t, ai.TenantID)
	}
	return CheckResult{ID: CheckToken, Status: StatusPass, Detail: d}
}

var (
	guidRe   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	secretRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// credentialHints adds format observations to a rejected login. Halo's
// Client IDs are GUIDs and Secrets two GUIDs joined by "-"; that is only a
// hint (not every version is known to use it), never a reason to fail.
func credentialHints(cfg Config, err error) string {
	if KindOf(err) != KindAuth {
		return ""
	}
	id, secret := strings.TrimSpace(cfg.ClientID), strings.TrimSpace(cfg.ClientSecret)
	var hints []string
	switch {
	case secretRe.MatchString(id) && guidRe.MatchString(secret):
		hints = append(hints, "The Client ID looks like a Client Secret and the other way round: are the two fields swapped?")
	case id != "" && !guidRe.MatchString(id):
		hints = append(hints, "The Client ID does not look like Halo's (a GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e): check it was copied whole.")
	}
	if secret != "" && !secretRe.MatchString(secret) && !guidRe.MatchString(secret) {
		hints = append(hints, "The Client Secret does not have Halo's usual form (two GUIDs joined by a hyphen): check it was copied whole.")
	}
	return strings.Join(hints, " ")
}

func identityResult(me Agent) CheckResult {
	c := CheckResult{ID: CheckIdentity, Status: StatusPass}
	who := me.Name
	if who == "" {
		who = strings.TrimSpace(me.FirstName + " " + me.Surname)
	}
	if me.Email != "" {
		who += " <" + me.Email + ">"
	}
	kind := "an API-only agent"
	if !me.IsAPIAgent {
		kind = "a normal (licensed) agent"
	}
	parts := []string{fmt.Sprintf("The application logs in as %s (agent %d), %s.", who, me.ID, kind)}
	if me.Team != "" {
		parts = append(parts, "Default team: "+me.Team+".")
	}
	if len(me.Teams) > 0 {
		parts = append(parts, "Teams: "+joinLimited(teamNames(me.Teams), 8)+".")
	}
	if len(me.Departments) > 0 {
		parts = append(parts, "Departments: "+joinLimited(deptNames(me.Departments), 8)+".")
	}
	var findings []string
	worst := StatusPass
	add := func(st Status, key string) {
		findings = append(findings, key)
		if st == StatusFail || worst == StatusPass {
			worst = st
		}
	}
	switch {
	case me.Teams == nil && me.Departments == nil && me.Team == "":
		parts = append(parts, "Halo did not say which teams and departments it belongs to.")
	case len(me.Teams) == 0 && len(me.Departments) == 0:
		parts = append(parts, "It is in no team and no department.")
		add(StatusFail, AdviceIdentityNoTeam)
	case len(me.Teams) == 0:
		parts = append(parts, "It is in no team.")
		add(StatusWarn, AdviceIdentityNoTeam)
	case me.Team == "":
		add(StatusWarn, AdviceIdentityNoDefault)
	}
	if !me.IsAPIAgent {
		add(StatusWarn, AdviceIdentityNotAPI)
	}
	c.Status = worst
	var fixes []string
	for i, k := range findings {
		a := AdviceFor(k)
		parts = append(parts, a.Message)
		fixes = append(fixes, a.Fix)
		if i == 0 {
			c.Step = a.Step
		}
	}
	c.Detail = strings.Join(parts, " ")
	c.Fix = strings.Join(fixes, " ")
	return c
}

// CountAgents summarises agents as the check and sync reports do.
func CountAgents(agents []Agent) AgentCounts {
	n := AgentCounts{Visible: len(agents)}
	for _, a := range agents {
		if a.IsDisabled {
			n.Disabled++
		} else {
			n.Enabled++
		}
		if a.IsAPIAgent {
			n.APIOnly++
		}
	}
	return n
}

func agentsResult(agents []Agent, meID int) (CheckResult, AgentCounts) {
	n := CountAgents(agents)
	people := 0
	for _, a := range agents {
		if a.ID != meID && !a.IsAPIAgent && !a.IsDisabled {
			people++
		}
	}
	c := CheckResult{ID: CheckAgents, Status: StatusPass,
		Detail: fmt.Sprintf("%s visible: %d enabled, %d disabled, %d API-only.", CountOf(n.Visible, "agent"), n.Enabled, n.Disabled, n.APIOnly)}
	if people == 0 {
		c.Status = StatusWarn
		if n.Visible == 0 {
			c.Detail = "Halo returned no agents at all. " + AdviceFor(AdviceAgentsNone).Message
		} else {
			c.Detail += " " + AdviceFor(AdviceAgentsNone).Message
		}
		c = withAdvice(c, AdviceAgentsNone)
	}
	return c, n
}

func teamsResult(teams []Team) CheckResult {
	c := CheckResult{ID: CheckTeams, Status: StatusPass}
	inactive := 0
	names := make([]string, 0, len(teams))
	for _, t := range teams {
		if t.Inactive {
			inactive++
		}
		names = append(names, t.Name)
	}
	if len(teams) == 0 {
		c.Status = StatusWarn
		c.Detail = AdviceFor(AdviceTeamsNone).Message
		return withAdvice(c, AdviceTeamsNone)
	}
	c.Detail = CountOf(len(teams), "team")
	if inactive > 0 {
		c.Detail += fmt.Sprintf(" (%d inactive)", inactive)
	}
	c.Detail += ": " + joinLimited(names, 10) + "."
	return c
}

func departmentsResult(r *pullResult) (CheckResult, int) {
	c := CheckResult{ID: CheckDepartments, Status: StatusPass}
	if r.topErr != nil && KindOf(r.topErr) == KindCanceled {
		return fromError(CheckDepartments, r.topErr), 0
	}
	deps, source, err := mergeDepartments(r.top, r.topErr, r.agents, r.teams)
	if err != nil {
		return fromError(CheckDepartments, err), 0
	}
	names := make([]string, 0, len(deps))
	for _, d := range deps {
		names = append(names, d.Name)
	}
	if len(deps) == 0 {
		c.Status = StatusWarn
		c.Detail = AdviceFor(AdviceDepartmentsNone).Message
		return withAdvice(c, AdviceDepartmentsNone), 0
	}
	c.Detail = fmt.Sprintf("%s: %s.", CountOf(len(deps), "department"), joinLimited(names, 10))
	switch source {
	case "derived":
		why := "/TopLevel listed no agent departments"
		if r.topErr != nil {
			why = "/TopLevel was not available: " + strings.TrimSuffix(errMessage(r.topErr), ".")
		}
		c.Detail += " Taken from the agents' and teams' memberships (" + why + ")."
	case "toplevel+derived":
		c.Detail += " Some were found only in agents' memberships."
	}
	return c, len(deps)
}

func organisationsResult(orgs []Organisation, err error) (CheckResult, int) {
	c := CheckResult{ID: CheckOrganisations, Status: StatusPass}
	if err != nil {
		if !orgsHidden(err) {
			// Rate limit, server error, bad answer…: its own words and fix.
			return fromError(CheckOrganisations, err), 0
		}
		c.Status = StatusWarn
		c.Detail = fmt.Sprintf("%s Halo answered /api/Organisation with HTTP %d.", AdviceFor(AdviceOrganisationsNone).Message, statusOf(err))
		return withAdvice(c, AdviceOrganisationsNone), 0
	}
	names := make([]string, 0, len(orgs))
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	switch len(orgs) {
	case 0:
		c.Detail = "No organisations listed: multi-tenancy is not in use."
	case 1:
		c.Detail = "One organisation: " + names[0] + "."
	default:
		c.Status = StatusWarn
		c.Detail = fmt.Sprintf("%s: %s. %s", CountOf(len(orgs), "organisation"), joinLimited(names, 10), AdviceFor(AdviceOrganisationsMulti).Message)
		c = withAdvice(c, AdviceOrganisationsMulti)
	}
	return c, len(orgs)
}

func teamNames(ts []TeamMembership) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.TeamName)
	}
	return out
}

func deptNames(ds []DepartmentMembership) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.DepartmentName)
	}
	return out
}

func joinLimited(names []string, n int) string {
	s := append([]string(nil), names...)
	sort.Strings(s)
	if len(s) <= n {
		return strings.Join(s, ", ")
	}
	return strings.Join(s[:n], ", ") + fmt.Sprintf(" and %d more", len(s)-n)
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d >= time.Minute:
		return fmt.Sprintf("%d min", d/time.Minute)
	default:
		return fmt.Sprintf("%d s", d/time.Second)
	}
}

// connTrace records how the first connection to Halo was made, so the
// "reachable" check can report DNS/TCP/TLS without a request of its own.
type connTrace struct {
	mu                         sync.Mutex
	start                      time.Time
	dnsStart, dnsDone          time.Time
	connStart, connDone        time.Time
	tlsStart, tlsDone          time.Time
	gotConn                    bool
	remote                     string
	tlsVersion                 uint16
	dnsNeeded, tlsUsed, reused bool
}

func (t *connTrace) trace() *httptrace.ClientTrace {
	t.start = time.Now()
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { t.mu.Lock(); t.dnsStart, t.dnsNeeded = time.Now(), true; t.mu.Unlock() },
		DNSDone:  func(httptrace.DNSDoneInfo) { t.mu.Lock(); t.dnsDone = time.Now(); t.mu.Unlock() },
		ConnectStart: func(string, string) {
			t.mu.Lock()
			if t.connStart.IsZero() {
				t.connStart = time.Now()
			}
			t.mu.Unlock()
		},
		ConnectDone: func(_, addr string, err error) {
			t.mu.Lock()
			if err == nil {
				t.connDone, t.remote = time.Now(), addr
			}
			t.mu.Unlock()
		},
		TLSHandshakeStart: func() { t.mu.Lock(); t.tlsStart = time.Now(); t.mu.Unlock() },
		TLSHandshakeDone: func(cs tls.ConnectionState, err error) {
			t.mu.Lock()
			if err == nil {
				t.tlsDone, t.tlsUsed, t.tlsVersion = time.Now(), true, cs.Version
			}
			t.mu.Unlock()
		},
		GotConn: func(i httptrace.GotConnInfo) {
			t.mu.Lock()
			t.gotConn, t.reused = true, i.Reused
			if t.remote == "" && i.Conn != nil {
				t.remote = i.Conn.RemoteAddr().String()
			}
			t.mu.Unlock()
		},
	}
}

func (t *connTrace) connected() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.gotConn
}

func (t *connTrace) duration() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	end := t.tlsDone
	if end.IsZero() {
		end = t.connDone
	}
	if end.IsZero() || end.Before(t.start) {
		return 0
	}
	return end.Sub(t.start)
}

func (t *connTrace) detail(host string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := "Connected to " + host
	if t.remote != "" && t.remote != host {
		d += " (" + t.remote + ")"
	}
	var steps []string
	ms := func(a, b time.Time) string { return fmt.Sprintf("%d ms", b.Sub(a).Milliseconds()) }
	if t.dnsNeeded && !t.dnsDone.IsZero() {
		steps = append(steps, "DNS "+ms(t.dnsStart, t.dnsDone))
	}
	if !t.connStart.IsZero() && !t.connDone.IsZero() {
		steps = append(steps, "TCP "+ms(t.connStart, t.connDone))
	}
	if t.tlsUsed {
		steps = append(steps, tls.VersionName(t.tlsVersion)+" "+ms(t.tlsStart, t.tlsDone))
	} else {
		steps = append(steps, "no TLS (local address)")
	}
	return d + ": " + strings.Join(steps, ", ") + "."
}
