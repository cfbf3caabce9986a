package storage

import (
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
)

// Verdict is the outcome of a run as a fact, for both front-ends: they
// choose their colours and words from it instead of reading Summary.
type Verdict int

// Verdicts, from best to worst.
const (
	VerdictPassed    Verdict = iota // every check passed; a sync or export that worked
	VerdictWarnings                 // passed, with warnings
	VerdictFailed                   // a check failed, or the sync failed
	VerdictCancelled                // stopped before it finished
)

// Tally is a check report's verdict with the titles behind it: the one
// rule for counting failures and warnings, used by the history summary and
// the GUI's check dialog alike.
type Tally struct {
	Verdict Verdict
	Failed  []string // titles of the failed checks
	Warned  []string // titles of the checks with warnings
}

// ReportTally counts a report's failures and warnings; a cancelled check is
// cancelled whatever it found before it stopped.
func ReportTally(rep halo.Report, cancelled bool) Tally {
	var t Tally
	for _, c := range rep.Checks {
		switch c.Status {
		case halo.StatusFail:
			t.Failed = append(t.Failed, c.Title)
		case halo.StatusWarn:
			t.Warned = append(t.Warned, c.Title)
		}
	}
	switch {
	case cancelled:
		t.Verdict = VerdictCancelled
	case len(t.Failed) > 0:
		t.Verdict = VerdictFailed
	case len(t.Warned) > 0:
		t.Verdict = VerdictWarnings
	}
	return t
}

// The words CheckSummary starts a cancelled and a warned check's summary
// with; Run.Verdict reads them back, so no migration is needed for runs
// stored before verdicts were a type.
const (
	summaryCancelled = "Cancelled"
	summaryWarned    = "Passed with "
)

// CheckSummary is the one-line verdict of a report, as history lists it.
func CheckSummary(rep halo.Report, cancelled bool) string {
	t := ReportTally(rep, cancelled)
	switch t.Verdict {
	case VerdictCancelled:
		return summaryCancelled
	case VerdictFailed:
		s := halo.CountOf(len(t.Failed), "check") + " failed"
		if len(t.Warned) > 0 {
			s += ", " + halo.CountOf(len(t.Warned), "warning")
		}
		return s + ": " + strings.Join(t.Failed, ", ")
	case VerdictWarnings:
		return summaryWarned + halo.CountOf(len(t.Warned), "warning") + ": " + strings.Join(t.Warned, ", ")
	}
	return "All checks passed"
}

// Verdict is the run's outcome, derived from what is stored: OK, and for a
// check the summary this package wrote from the verdict (CheckSummary).
func (r Run) Verdict() Verdict {
	switch {
	case r.Kind == RunCheck && r.Summary == summaryCancelled:
		return VerdictCancelled
	case !r.OK:
		return VerdictFailed
	case r.Kind == RunCheck && strings.HasPrefix(r.Summary, summaryWarned):
		return VerdictWarnings
	}
	return VerdictPassed
}
