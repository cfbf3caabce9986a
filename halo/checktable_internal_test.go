package halo

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// The next checks will each make one request of their own: an entry with
// request, needs its own id and a result is all they take. This runs such
// an entry against a real server (without changing the contract's table
// for longer than the test).
func TestCheckWithItsOwnRequest(t *testing.T) {
	srv := halotest.New(halotest.Demo())
	defer srv.Close()
	const id = "own"
	saved := checks
	defer func() { checks = saved; reindexChecks() }()
	checks = append(append([]checkDef(nil), saved...), checkDef{ID: id, Title: "Own request",
		needs: []string{id},
		request: func(ctx context.Context, c *Client) (any, error) {
			req, err := c.NewRequest(ctx, http.MethodGet, "Team", nil)
			if err != nil {
				return nil, err
			}
			var teams []Team
			err = c.Do(ctx, req, &teams)
			return teams, err
		},
		result: func(e *checkEnv) CheckResult {
			a := e.answers[id]
			if a.Err != nil {
				return fromError(id, a.Err)
			}
			if teams, _ := a.Value.([]Team); len(teams) == 0 {
				return CheckResult{ID: id, Status: StatusWarn, Detail: "no teams"}
			}
			return CheckResult{ID: id, Status: StatusPass, Detail: "answered"}
		}})
	reindexChecks()
	var running bool
	rep := RunCheck(context.Background(), Config{URL: srv.URL(), ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret()},
		func(c CheckResult) { running = running || (c.ID == id && c.Status == StatusRunning) })
	got := rep.Check(id)
	if !rep.OK || got.Status != StatusPass || got.Detail != "answered" || got.Title != "Own request" || !running {
		t.Fatalf("own check %+v (running shown %v), report ok %v: %+v", got, running, rep.OK, rep.Checks)
	}
	if ids := strings.Join(checkIDs, " "); !strings.HasSuffix(ids, "tickets "+id) {
		t.Fatalf("order %q", ids)
	}
}
