package storage

import (
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestReportTallyAndRunVerdict(t *testing.T) {
	checks := func(st ...halo.Status) halo.Report {
		var r halo.Report
		for i, s := range st {
			r.Checks = append(r.Checks, halo.CheckResult{ID: halo.CheckIDs()[i], Title: halo.CheckTitle(halo.CheckIDs()[i]), Status: s})
		}
		return r
	}
	for _, tc := range []struct {
		name      string
		rep       halo.Report
		cancelled bool
		want      Verdict
		summary   string
	}{
		{"all pass", checks(halo.StatusPass, halo.StatusPass), false, VerdictPassed, "All checks passed"},
		{"a warning", checks(halo.StatusPass, halo.StatusWarn), false, VerdictWarnings, "Passed with 1 warning: Server reachable"},
		{"fail beats warning", checks(halo.StatusWarn, halo.StatusFail, halo.StatusWarn), false, VerdictFailed,
			"1 check failed, 2 warnings: Server reachable"},
		{"cancelled beats fail", checks(halo.StatusFail, halo.StatusSkip), true, VerdictCancelled, "Cancelled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReportTally(tc.rep, tc.cancelled).Verdict; got != tc.want {
				t.Fatalf("ReportTally verdict = %v, want %v", got, tc.want)
			}
			sum := CheckSummary(tc.rep, tc.cancelled)
			if sum != tc.summary {
				t.Fatalf("CheckSummary = %q, want %q", sum, tc.summary)
			}
			// A stored run gives its verdict back from what is stored.
			ok := tc.want == VerdictPassed || tc.want == VerdictWarnings
			if got := (Run{Kind: RunCheck, OK: ok, Summary: sum}).Verdict(); got != tc.want {
				t.Fatalf("Run.Verdict = %v, want %v", got, tc.want)
			}
		})
	}
	if v := (Run{Kind: RunSync, OK: false, Summary: "failed: Cancelled"}).Verdict(); v != VerdictFailed {
		t.Errorf("failed sync = %v", v)
	}
	if v := (Run{Kind: RunSync, OK: true, Summary: "Passed with flying colours"}).Verdict(); v != VerdictPassed {
		t.Errorf("sync summary read as a check's: %v", v)
	}
}
