package halo

import (
	"context"
	"net/http/httptrace"
	"sync"
)

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
