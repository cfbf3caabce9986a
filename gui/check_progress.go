package gui

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
)

// pullChecks are the checks that read the user data; their progress is the
// pull's progress.
var pullChecks = halo.PullCheckIDs()

// checkProgress is what a running systems check has reported: the results
// in the order they came (appended to a clipped copy, so a state handed to
// the screen never changes under it), a wait Halo asked for, and how far
// the agent list is.
type checkProgress struct {
	results []halo.CheckResult
	wait    string // what the check waits for; shown while waiting
	waiting bool
	agents  string // "agents 40 of 120 (page 1 of 3)"; "" until a page is in
}

// addResult records a check's (new) state; a failure or warning ends a
// wait (it was what the wait led to).
func (p *checkProgress) addResult(c halo.CheckResult) {
	p.results = append(slices.Clip(p.results), c)
	if c.Status == halo.StatusFail || c.Status == halo.StatusWarn {
		p.waiting = false
	}
}

func (p *checkProgress) addWait(reason halo.ErrorKind, d time.Duration) {
	p.wait, p.waiting = halo.WaitMessage(reason, d)+" Cancel stops the check.", true
}

// addPull records how far the agent list has come (pages and agents).
func (p *checkProgress) addPull(pp halo.PullProgress) {
	switch {
	case pp.Stage != "agents":
	case pp.AgentsTotal > 0 && pp.PagesTotal > 1:
		p.agents = fmt.Sprintf("agents %d of %d (page %d of %d)", pp.Agents, pp.AgentsTotal, pp.Pages, pp.PagesTotal)
	case pp.Agents > 0:
		p.agents = fmt.Sprintf("%d agents", pp.Agents)
	}
}

// checkProgressView shows a running check's progress: checks done, the
// time, a wait, the pull of the user data.
type checkProgressView struct {
	bar       *widget.ProgressBar
	elapsed   *widget.Label
	waitNote  *widget.Label
	pullLabel *widget.Label
	pullBar   *widget.ProgressBar
	// applied is how many of the reported results the rows show; done the
	// checks that finished; listsRead and agents describe the pull.
	applied   int
	done      map[string]bool
	listsRead int
	agents    string
}

func newCheckProgressView(checks int) *checkProgressView {
	v := &checkProgressView{bar: widget.NewProgressBar(), elapsed: widget.NewLabel(""), waitNote: wrapped(""),
		pullLabel: wrapped(""), pullBar: widget.NewProgressBar()}
	v.bar.Max = float64(checks)
	v.bar.TextFormatter = func() string { return fmt.Sprintf("%d of %d checks", int(v.bar.Value), int(v.bar.Max)) }
	v.waitNote.Importance = widget.WarningImportance
	v.waitNote.Hide()
	v.pullBar.Max = float64(len(pullChecks))
	v.pullBar.TextFormatter = func() string {
		return fmt.Sprintf("%d of %d lists", int(v.pullBar.Value), int(v.pullBar.Max))
	}
	return v
}

// reset shows a check about to start.
func (v *checkProgressView) reset() {
	v.applied, v.done, v.listsRead, v.agents = 0, map[string]bool{}, 0, ""
	v.bar.SetValue(0)
	v.pullBar.SetValue(0)
	v.pullLabel.SetText("The agents, teams and departments are pulled once the Client ID and Secret work.")
	v.elapsed.SetText("0.0 s")
	v.waitNote.Hide()
}

// show brings the rows (list) and the bars up to p, the newest state.
func (v *checkProgressView) show(p checkProgress, list *checkResults, elapsed time.Duration) {
	for _, c := range p.results[v.applied:] {
		v.apply(c, list)
	}
	v.applied = len(p.results)
	if p.waiting {
		v.waitNote.SetText(p.wait)
		v.waitNote.Show()
	} else {
		v.waitNote.Hide()
	}
	if p.agents != v.agents {
		v.agents = p.agents
		v.showPull()
	}
	v.elapsed.SetText(fmt.Sprintf("%.1f s", elapsed.Seconds()))
}

// apply shows one result; once a pull check finished, the pull line counts
// the lists read.
func (v *checkProgressView) apply(c halo.CheckResult, list *checkResults) {
	list.set(c)
	if c.Status == halo.StatusRunning {
		return
	}
	v.done[c.ID] = true
	v.bar.SetValue(float64(len(v.done)))
	n := 0
	for _, id := range pullChecks {
		if v.done[id] {
			n++
		}
	}
	if n > 0 && c.Status != halo.StatusSkip {
		v.listsRead = n
		v.pullBar.SetValue(float64(n))
		v.showPull()
	}
}

func (v *checkProgressView) showPull() {
	text := fmt.Sprintf("Pulling user data from Halo: %d of %d lists read", v.listsRead, len(pullChecks))
	if v.agents != "" {
		text += "; " + v.agents
	}
	v.pullLabel.SetText(text + " …")
}

// finish shows a finished report's pull: what was read, and what became of
// it (pullOutcome).
func (v *checkProgressView) finish(rep halo.Report, cancelled bool, err error, took time.Duration) {
	v.waitNote.Hide()
	v.elapsed.SetText(halo.FormatDuration(took))
	if rep.Checks == nil {
		return
	}
	v.bar.SetValue(v.bar.Max)
	read := rep.Agents.Visible+rep.Teams+rep.Departments > 0
	switch {
	case rep.Snapshot != nil || read:
		v.pullBar.SetValue(v.pullBar.Max)
		v.pullLabel.SetText(pulledText(rep) + " " + pullOutcome(rep, cancelled, err))
	default:
		v.pullBar.SetValue(0)
		v.pullLabel.SetText("No user data was pulled: the stored agents and teams were kept.")
	}
}

// pullOutcome says what became of the user data the check read: only a
// check that passed brings a snapshot, and storage keeps it only then
// (storage.SaveCheckRun); err is the storing's error.
func pullOutcome(rep halo.Report, cancelled bool, err error) string {
	switch {
	case cancelled:
		return "The stored agents were kept: the check was cancelled."
	case !rep.OK || rep.Snapshot == nil:
		return "The stored agents were kept: the check did not pass."
	case err != nil:
		return "Storing them failed (see above)."
	}
	return "Saved for the Mapping screen."
}

func pulledText(rep halo.Report) string {
	s := fmt.Sprintf("Pulled %s, %s and %s", halo.CountOf(rep.Agents.Visible, "agent"), halo.CountOf(rep.Teams, "team"),
		halo.CountOf(rep.Departments, "department"))
	if rep.Organisations > 0 {
		s += fmt.Sprintf(" (%s)", halo.CountOf(rep.Organisations, "organisation"))
	}
	return s + "."
}
