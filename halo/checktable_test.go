package halo_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
)

// The ids and their order are the `check --json` contract.
func TestCheckTableKeepsTheContract(t *testing.T) {
	want := "url reachable halo token identity agents teams departments organisations contacts customers tickets"
	if got := strings.Join(halo.CheckIDs(), " "); got != want {
		t.Fatalf("CheckIDs = %q, want %q", got, want)
	}
	for _, id := range halo.CheckIDs() {
		if halo.CheckTitle(id) == "" {
			t.Errorf("%s has no title", id)
		}
	}
	if got := halo.PullCheckIDs(); !reflect.DeepEqual(got, []string{"identity", "agents", "teams", "departments", "organisations"}) {
		t.Fatalf("PullCheckIDs = %v", got)
	}
}

func TestStepsProven(t *testing.T) {
	pass := func(ids ...string) []halo.CheckResult {
		var out []halo.CheckResult
		for _, id := range ids {
			out = append(out, halo.CheckResult{ID: id, Status: halo.StatusPass})
		}
		return out
	}
	steps := []string{"halo-9", "halo-10", "halo-11", "halo-12", "halo-13"}
	for _, tc := range []struct {
		name string
		rep  halo.Report
		want []string
	}{
		{"nothing passed", halo.Report{}, nil},
		{"token proves the application", halo.Report{Checks: pass("url", "token")}, steps},
		{"failed token proves nothing", halo.Report{Checks: []halo.CheckResult{{ID: "token", Status: halo.StatusFail}}}, nil},
		{"notice needs other agents", halo.Report{Checks: pass("identity", "agents"), Agents: halo.AgentCounts{Enabled: 1}},
			[]string{"agent-3", "agent-login"}},
		{"notice followed", halo.Report{Checks: pass("token", "identity", "agents"), Agents: halo.AgentCounts{Enabled: 2}},
			append(append([]string(nil), steps...), "halo-notice", "agent-4", "agent-teams", "agent-3", "agent-login")},
		{"first-call checks prove the feature access rows", halo.Report{Checks: pass("contacts", "customers", "tickets")},
			[]string{"agent-perm-users", "agent-perm-customers", "agent-perm-tickets"}},
		{"agents warned", halo.Report{Checks: append(pass("identity"), halo.CheckResult{ID: "agents", Status: halo.StatusWarn}),
			Agents: halo.AgentCounts{Enabled: 3}}, []string{"agent-3", "agent-login"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := halo.StepsProven(tc.rep)
			sort.Strings(got)
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			if !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
				t.Fatalf("StepsProven = %v, want %v", got, want)
			}
		})
	}
	// Every proven step is one of the checklist's.
	known := map[string]bool{}
	for _, s := range halo.Checklist {
		for _, st := range s.Steps {
			known[st.ID] = true
		}
	}
	for _, id := range halo.StepsProven(halo.Report{Checks: pass(halo.CheckIDs()...), Agents: halo.AgentCounts{Enabled: 2}}) {
		if !known[id] {
			t.Errorf("a check proves %q, which is not a checklist step", id)
		}
	}
}
