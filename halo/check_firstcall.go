package halo

import (
	"context"
	"fmt"
	"strings"
)

// The first-call checks: what 1stream reads besides agents. A screen pop
// shows a contact from Halo's contacts (Users), which 1stream pulls at its
// Systems Check and refreshes hourly, with their customer (Client); call
// logging reads and writes tickets. Each check is one small read-only request (a page of one
// record) whose record_count says how many the API agent can see.
const (
	CheckContacts  = "contacts"
	CheckCustomers = "customers"
	CheckTickets   = "tickets"
)

// firstCall describes, per check, what it reads and what stops working
// without it; the check's words, its advice and the report's "will not
// work" list all come from here.
type firstCall struct {
	id        string
	plural    string // "contacts"
	one       string // "contact"
	halo      string // Halo's name for the list: "Users"
	row       string // the Feature Access row that grants it
	step      string // the checklist step that sets that row
	breaks    string // what will not work without access
	emptyNote string // what an empty list means for 1stream
}

var firstCalls = map[string]firstCall{
	CheckContacts: {id: CheckContacts, plural: "contacts", one: "contact", halo: "Users",
		row: "Users Access Level", step: "agent-perm-users", breaks: "screen pops",
		emptyNote: "1stream cannot pop any caller"},
	CheckCustomers: {id: CheckCustomers, plural: "customers", one: "customer", halo: "Customers (Client)",
		row: "Customers Access Level", step: "agent-perm-customers", breaks: "the caller's customer on screen pops",
		emptyNote: "1stream cannot show whose contact is calling"},
	CheckTickets: {id: CheckTickets, plural: "tickets", one: "ticket", halo: "Tickets",
		row: "Tickets Access Level", step: "agent-perm-tickets", breaks: "call logging to tickets",
		emptyNote: "1stream will find no ticket to log a call against until one exists"},
}

// firstCallEntry is the table entry of one first-call check.
func firstCallEntry(id, title string, probe func(*Client, context.Context) (int, error)) checkDef {
	return checkDef{ID: id, Title: title, Proves: []string{firstCalls[id].step}, needs: []string{id},
		request: func(ctx context.Context, c *Client) (any, error) { return probe(c, ctx) },
		result:  func(e *checkEnv) CheckResult { return firstCallResult(firstCalls[id], e.answers[id]) }}
}

// AccessFix is what to do when Halo refuses the API agent what a
// first-call check reads (CheckContacts, CheckCustomers, CheckTickets),
// and the checklist step that explains it; the CLI's contacts audit and
// lookup give the same fix as the check.
func AccessFix(id string) (fix, step string) {
	f := firstCalls[id]
	return fmt.Sprintf("In Halo, open Configuration > Teams & Agents > Agents > the API agent (e.g. 1stream) > Permissions > "+
		"Feature Access and set %s to Read and Modify; check that the application's Login Type is Agent with that agent as "+
		"the Agent to log in as, and that the agent may use all customers (\"Allow use of all Customers\").", f.row), f.step
}

func firstCallResult(f firstCall, a answer) CheckResult {
	c := CheckResult{ID: f.id, Status: StatusPass}
	fix, _ := AccessFix(f.id)
	switch {
	case a.Err != nil && IsNoAccess(a.Err):
		c.Status = StatusFail
		c.Detail = fmt.Sprintf("The API agent cannot read Halo's %s (%s): %s will not work.", f.halo, errMessage(a.Err), f.breaks)
		c.Fix, c.Step = fix, f.step
		return c
	case a.Err != nil:
		return fromError(f.id, a.Err)
	}
	n, _ := a.Value.(int)
	if n == 0 {
		c.Status = StatusWarn
		c.Detail = fmt.Sprintf("No %s visible: %s.", f.plural, f.emptyNote)
		c.Fix, c.Step = "If Halo has "+f.plural+", the API agent may not see them: "+fix, f.step
		return c
	}
	c.Detail = fmt.Sprintf("The API agent can read %s.", CountOf(n, f.one))
	return c
}

// WillNotWork lists what 1stream may not manage with this connection,
// judged by the checks after the token that did not pass; empty when they
// all passed. A failed connection check (URL … Client ID and Secret) means
// nothing works: see Connected.
func (r Report) WillNotWork() []string {
	var out []string
	add := func(s string) {
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, c := range r.Checks {
		if c.Status == StatusPass {
			continue
		}
		switch c.ID {
		case CheckContacts, CheckCustomers, CheckTickets:
			add(firstCalls[c.ID].breaks)
		case CheckIdentity, CheckAgents, CheckTeams, CheckDepartments, CheckOrganisations:
			add("mapping every 1stream user to their Halo agent")
		}
	}
	return out
}

// Connected says whether the connection checks (URL up to Client ID and
// Secret) passed, warnings allowed: only then can 1stream use it at all.
func (r Report) Connected() bool {
	if len(r.Checks) == 0 {
		return false
	}
	for _, c := range r.Checks {
		if c.ID == CheckIdentity {
			break
		}
		if c.Status != StatusPass && c.Status != StatusWarn {
			return false
		}
	}
	return true
}

// Headline is the check's verdict in one sentence, the same in the GUI,
// the command line and the report: "1stream can use this connection" only
// when every check passed, else what will not work.
func (r Report) Headline() string {
	var fails, warns int
	for _, c := range r.Checks {
		switch c.Status {
		case StatusFail:
			fails++
		case StatusWarn:
			warns++
		}
	}
	var parts []string
	if fails > 0 {
		parts = append(parts, CountOf(fails, "check")+" failed")
	}
	if warns > 0 {
		parts = append(parts, CountOf(warns, "warning"))
	}
	lead := strings.Join(parts, ", ")
	broken := r.WillNotWork()
	switch {
	case !r.Connected():
		if lead == "" {
			lead = "The check did not finish"
		}
		return lead + ": 1stream cannot use this connection yet."
	case len(broken) > 0:
		return lead + ": 1stream may not manage " + strings.Join(broken, ", ") + "."
	case fails+warns == 0:
		return "All checks passed: 1stream can use this connection."
	}
	return lead + ": 1stream can use this connection."
}
