package halo_test

import (
	"reflect"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
)

// The verdict claims "1stream can use this connection" only when every
// check passed; otherwise it says what will not work.
func TestHeadlineSaysWhatWillNotWork(t *testing.T) {
	rep := func(st map[string]halo.Status) halo.Report {
		var r halo.Report
		for _, id := range halo.CheckIDs() {
			s, ok := st[id]
			if !ok {
				s = halo.StatusPass
			}
			r.Checks = append(r.Checks, halo.CheckResult{ID: id, Status: s})
		}
		return r
	}
	for _, tc := range []struct {
		name     string
		st       map[string]halo.Status
		broken   []string
		headline string
	}{
		{"all pass", nil, nil, "All checks passed: 1stream can use this connection."},
		{"a warning on the connection only", map[string]halo.Status{"halo": halo.StatusWarn}, nil,
			"1 warning: 1stream can use this connection."},
		{"contacts forbidden", map[string]halo.Status{"contacts": halo.StatusFail}, []string{"screen pops"},
			"1 check failed: 1stream may not manage screen pops."},
		{"no contacts, tickets forbidden", map[string]halo.Status{"contacts": halo.StatusWarn, "tickets": halo.StatusFail},
			[]string{"screen pops", "call logging to tickets"},
			"1 check failed, 1 warning: 1stream may not manage screen pops, call logging to tickets."},
		{"agents and teams warn", map[string]halo.Status{"agents": halo.StatusWarn, "teams": halo.StatusWarn},
			[]string{"mapping every 1stream user to their Halo agent"},
			"2 warnings: 1stream may not manage mapping every 1stream user to their Halo agent."},
		{"bad secret", map[string]halo.Status{"token": halo.StatusFail, "identity": halo.StatusSkip, "agents": halo.StatusSkip,
			"teams": halo.StatusSkip, "departments": halo.StatusSkip, "organisations": halo.StatusSkip, "contacts": halo.StatusSkip,
			"customers": halo.StatusSkip, "tickets": halo.StatusSkip}, nil, "1 check failed: 1stream cannot use this connection yet."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rep(tc.st)
			if got := r.WillNotWork(); !reflect.DeepEqual(got, tc.broken) && (len(got) > 0 || len(tc.broken) > 0) && r.Connected() {
				t.Errorf("WillNotWork = %q, want %q", got, tc.broken)
			}
			if got := r.Headline(); got != tc.headline {
				t.Errorf("Headline = %q, want %q", got, tc.headline)
			}
		})
	}
	if (halo.Report{}).Connected() {
		t.Error("an empty report counts as connected")
	}
}
