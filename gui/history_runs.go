package gui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// runsTab is the History screen's first tab: a profile's checks, syncs
// and exports, and every fix or undo of its contacts in Halo (in counts),
// newest first; a check or sync opens its report.
type runsTab struct {
	u      *UI
	listed []storage.Run
	list   *widget.List
	empty  *widget.Label
	stack  *fyne.Container
	seq    int
	detail *runDialog // the report opened last
	root   fyne.CanvasObject
}

func newRunsTab(u *UI) *runsTab {
	rt := &runsTab{u: u}
	rt.list = rt.newList()
	rt.empty = wrapped("")
	rt.stack = container.NewStack(rt.list)
	rt.root = container.NewBorder(
		wrapped("Every systems check, sync and export of this profile, and every fix or undo of its contacts in Halo (in counts), "+
			"newest first. Open a check or sync for its full report."),
		nil, nil, nil, rt.stack)
	return rt
}

// newList lists the runs: when and what, the summary, the counts.
func (rt *runsTab) newList() *widget.List {
	l := widget.NewList(
		func() int { return len(rt.listed) },
		func() fyne.CanvasObject {
			icon := widget.NewIcon(statusIcon(halo.StatusPass))
			when := widget.NewLabelWithStyle("27 Nov 2026 14:31 · Systems check", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			summary := widget.NewLabel("All checks passed")
			summary.Truncation = fyne.TextTruncateEllipsis
			counts := widget.NewLabel("41 agents · 7 teams · 2 departments · 1.2 s")
			return container.NewBorder(nil, nil, icon, nil, container.NewVBox(when, summary, counts))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(rt.listed) {
				return
			}
			r := rt.listed[i]
			row := o.(*fyne.Container)
			box := row.Objects[0].(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(fmtWhen(r.StartedAt) + " · " + runKindName(r))
			sum := box.Objects[1].(*widget.Label)
			sum.SetText(r.Summary)
			sum.Importance = runImportance(r)
			sum.Refresh()
			row.Objects[1].(*widget.Icon).SetResource(runIcon(r))
			box.Objects[2].(*widget.Label).SetText(runCounts(r))
		},
	)
	l.OnSelected = func(i widget.ListItemID) {
		l.UnselectAll()
		if i < len(rt.listed) && hasCheckReport(rt.listed[i]) {
			rt.open(rt.listed[i])
		}
	}
	return l
}

// load lists p's runs (nil: none selected), read off the UI goroutine.
func (rt *runsTab) load(p *storage.Profile) {
	rt.seq++
	seq := rt.seq
	if p == nil {
		rt.listed = nil
		rt.empty.SetText("Select a profile to see its checks and syncs.")
		rt.stack.Objects = []fyne.CanvasObject{container.NewCenter(rt.empty)}
		rt.stack.Refresh()
		return
	}
	id := p.ID
	runAsync(rt.u, func(ctx context.Context) ([]storage.Run, error) {
		runs, err := rt.u.env.DB.Runs(ctx, id, historyLimit)
		if err != nil {
			return nil, err
		}
		exports, err := rt.u.env.DB.Exports(ctx, id, historyLimit)
		return mergeRuns(runs, exportsAsRuns(exports), historyLimit), err
	}, func(runs []storage.Run, err error) {
		if seq != rt.seq {
			return
		}
		if err != nil {
			rt.u.showError("Loading the history failed", err)
			return
		}
		rt.listed = runs
		if len(runs) == 0 {
			rt.empty.SetText("No checks yet. Run the systems check (Ctrl+R) once the connection is saved.")
			rt.stack.Objects = []fyne.CanvasObject{container.NewCenter(rt.empty)}
		} else {
			rt.stack.Objects = []fyne.CanvasObject{rt.list}
		}
		rt.stack.Refresh()
		rt.list.Refresh()
	})
}

// open shows one run's stored report.
func (rt *runsTab) open(r storage.Run) {
	rt.detail = newRunDialog(rt.u, r)
	runAsync(rt.u, func(ctx context.Context) ([]byte, error) {
		return rt.u.env.DB.RunReport(ctx, r.ID)
	}, func(b []byte, err error) {
		rt.detail.setReport(b, err)
	})
}

// hasCheckReport reports a run whose stored report is a check's (checks
// and syncs); an export or a contacts fix or undo says all in its summary.
func hasCheckReport(r storage.Run) bool {
	return r.Kind == storage.RunCheck || r.Kind == storage.RunSync
}

func runIcon(r storage.Run) fyne.Resource {
	switch runImportance(r) {
	case widget.SuccessImportance:
		return statusIcon(halo.StatusPass)
	case widget.WarningImportance:
		return statusIcon(halo.StatusWarn)
	}
	return statusIcon(halo.StatusFail)
}

func runCounts(r storage.Run) string {
	if r.Kind == runExport {
		return ""
	}
	var parts []string
	if r.Agents+r.Teams+r.Departments > 0 {
		parts = append(parts, halo.CountOf(r.Agents, "agent"), halo.CountOf(r.Teams, "team"), halo.CountOf(r.Departments, "department"))
	}
	return strings.Join(append(parts, halo.FormatDuration(r.Duration)), " · ")
}

// runDialog shows a stored check report, read-only.
type runDialog struct {
	u       *UI
	run     storage.Run
	d       *dialog.CustomDialog
	summary *widget.Label
	list    *checkResults
	copyBtn *widget.Button
	report  *halo.Report
}

func newRunDialog(u *UI, r storage.Run) *runDialog {
	rd := &runDialog{u: u, run: r}
	rd.list = newCheckResults(func(step string) {
		rd.d.Hide()
		u.goToStep(step)
	})
	rd.summary = widget.NewLabelWithStyle("Loading …", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	rd.summary.Wrapping = fyne.TextWrapWord
	rd.copyBtn = widget.NewButtonWithIcon("Copy report", theme.ContentCopyIcon(), func() {
		if rd.report != nil {
			u.app.Clipboard().SetContent(rd.report.Markdown())
		}
	})
	rd.copyBtn.Disable()
	closeBtn := widget.NewButtonWithIcon("Close", theme.ConfirmIcon(), func() { rd.d.Hide() })
	closeBtn.Importance = widget.HighImportance
	content := container.NewBorder(rd.summary, nil, nil, nil, rd.list.scroll)
	kind := "Systems check"
	if r.Kind == storage.RunSync {
		kind = "Sync"
	}
	rd.d = dialog.NewCustomWithoutButtons(kind+" of "+fmtWhen(r.StartedAt), content, u.win)
	rd.d.SetButtons([]fyne.CanvasObject{rd.copyBtn, closeBtn})
	rd.d.Resize(fyne.NewSize(860, 620))
	rd.d.Show()
	u.escapable(rd.d.Hide)
	return rd
}

func (rd *runDialog) setReport(b []byte, err error) {
	if err != nil {
		rd.summary.SetText("The report could not be read: " + err.Error())
		return
	}
	head := fmt.Sprintf("%s (%s). %s", rd.run.Summary, halo.FormatDuration(rd.run.Duration), runCounts(rd.run))
	var rep halo.Report
	if len(b) == 0 || json.Unmarshal(b, &rep) != nil || len(rep.Checks) == 0 {
		rd.summary.SetText(head + " No per-check report was stored for this run.")
		rd.list.scroll.Hide()
		return
	}
	rep.Started, rep.Duration = rd.run.StartedAt, rd.run.Duration
	rd.report = &rep
	rd.list.setReport(rep)
	rd.summary.SetText(head)
	rd.summary.Importance = runImportance(rd.run)
	rd.summary.Refresh()
	rd.copyBtn.Enable()
}
