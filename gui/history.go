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

// historyLimit bounds what the screen lists; older entries stay in the
// database (and the CLI can show them).
const historyLimit = 500

// actionNames are the audit actions in words; unknown ones show as stored.
var actionNames = map[string]string{
	storage.ActionProfileCreated:     "Profile created",
	storage.ActionProfileRenamed:     "Profile renamed",
	storage.ActionProfileDuplicated:  "Profile duplicated",
	storage.ActionProfileDeleted:     "Profile deleted",
	storage.ActionConnectionUpdated:  "Connection changed",
	storage.ActionChecklistChecked:   "Checklist step ticked",
	storage.ActionChecklistUnchecked: "Checklist step unticked",
	storage.ActionChecklistReset:     "Checklist reset",
	storage.ActionUsersImported:      "1stream users imported",
	storage.ActionUserAdded:          "1stream user added",
	storage.ActionUserUpdated:        "1stream user changed",
	storage.ActionUserDeleted:        "1stream user deleted",
	storage.ActionMappingSet:         "User mapped",
	storage.ActionMappingMoved:       "Mapping moved",
	storage.ActionMappingRemoved:     "Mapping removed",
	storage.ActionMappingBulk:        "Mappings saved in bulk",
	storage.ActionMappingExported:    "Mappings exported",
	actionMappingUndo:                "Mapping change undone",
	actionMappingRedo:                "Mapping change redone",
	storage.ActionContactsAudited:    "Contacts audited",
	storage.ActionContactsForgotten:  "Contacts snapshot dropped",
	storage.ActionSecretStored:       "Client Secret stored",
	storage.ActionSecretRemoved:      "Client Secret removed",
	storage.ActionSecretLeft:         "Client Secret left in the keyring",
}

func actionName(a string) string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return a
}

// historyScreen lists a profile's checks and syncs, and the audit log.
type historyScreen struct {
	u *UI

	tabs *container.AppTabs

	runs     []storage.Run
	runList  *widget.List
	runEmpty *widget.Label
	runStack *fyne.Container

	events      []storage.AuditEvent
	auditList   *widget.List
	filter      *widget.Entry
	allProfiles *widget.Check
	auditInfo   *widget.Label

	profile  *storage.Profile
	runSeq   int
	auditSeq int
	detail   *runDialog
	root     fyne.CanvasObject
}

func newHistoryScreen(u *UI) *historyScreen {
	s := &historyScreen{u: u}
	s.runList = widget.NewList(
		func() int { return len(s.runs) },
		func() fyne.CanvasObject {
			icon := widget.NewIcon(statusIcon(halo.StatusPass))
			when := widget.NewLabelWithStyle("27 Nov 2026 14:31 · Systems check", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			summary := widget.NewLabel("All checks passed")
			summary.Truncation = fyne.TextTruncateEllipsis
			counts := widget.NewLabel("41 agents · 7 teams · 2 departments · 1.2 s")
			return container.NewBorder(nil, nil, icon, nil, container.NewVBox(when, summary, counts))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.runs) {
				return
			}
			r := s.runs[i]
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
	s.runList.OnSelected = func(i widget.ListItemID) {
		s.runList.UnselectAll()
		if i < len(s.runs) && s.runs[i].Kind != runExport {
			s.openRun(s.runs[i])
		}
	}
	s.runEmpty = wrapped("")
	s.runStack = container.NewStack(s.runList)

	s.filter = widget.NewEntry()
	s.filter.SetPlaceHolder("Filter: action, detail or profile, e.g. secret, checklist, mapping")
	s.filter.OnChanged = func(string) { s.loadAudit() }
	s.allProfiles = widget.NewCheck("All profiles", func(bool) { s.loadAudit() })
	s.auditInfo = widget.NewLabel("")
	s.auditList = widget.NewList(
		func() int { return len(s.events) },
		func() fyne.CanvasObject {
			head := widget.NewLabelWithStyle("27 Nov 2026 14:31 · Checklist step ticked", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			detail := widget.NewLabel("alice · Contoso MSP · step halo-9")
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(head, detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.events) {
				return
			}
			e := s.events[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(fmtWhen(e.At) + " · " + actionName(e.Action))
			parts := []string{e.Actor}
			if e.ProfileName != "" {
				parts = append(parts, e.ProfileName)
			}
			if e.Detail != "" {
				parts = append(parts, e.Detail)
			}
			box.Objects[1].(*widget.Label).SetText(strings.Join(parts, " · "))
		},
	)
	s.auditList.OnSelected = func(widget.ListItemID) { s.auditList.UnselectAll() }

	runsTab := container.NewBorder(
		wrapped("Every systems check, sync and export of this profile, newest first. Open a check or sync for its full report."),
		nil, nil, nil, s.runStack)
	auditTab := container.NewBorder(
		container.NewVBox(
			wrapped("Who changed what: profiles, the Client Secret (never its value), the checklist, users and mappings."),
			container.NewBorder(nil, nil, nil, s.allProfiles, s.filter), s.auditInfo),
		nil, nil, nil, s.auditList)
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Checks, syncs and exports", theme.MediaPlayIcon(), runsTab),
		container.NewTabItemWithIcon("Audit log", theme.DocumentIcon(), auditTab),
	)
	s.tabs.OnSelected = func(*container.TabItem) { s.reload() }
	s.root = container.NewBorder(heading("History"), nil, nil, nil, s.tabs)
	return s
}

func (s *historyScreen) title() string       { return "History" }
func (s *historyScreen) icon() fyne.Resource { return theme.HistoryIcon() }

// content is called each time the screen is shown: what happened on other
// screens since is listed.
func (s *historyScreen) content() fyne.CanvasObject {
	s.reload()
	return s.root
}

func (s *historyScreen) profileChanged(p *storage.Profile) {
	s.profile = p
	s.reload()
}

func (s *historyScreen) checkFinished(profileID int64) {
	if s.profile != nil && s.profile.ID == profileID {
		s.loadRuns()
	}
}

func (s *historyScreen) reload() {
	s.loadRuns()
	s.loadAudit()
}

func (s *historyScreen) loadRuns() {
	s.runSeq++
	seq := s.runSeq
	if s.profile == nil {
		s.runs = nil
		s.runEmpty.SetText("Select a profile to see its checks and syncs.")
		s.runStack.Objects = []fyne.CanvasObject{container.NewCenter(s.runEmpty)}
		s.runStack.Refresh()
		return
	}
	id := s.profile.ID
	runAsync(s.u, func(ctx context.Context) ([]storage.Run, error) {
		runs, err := s.u.env.DB.Runs(ctx, id, historyLimit)
		if err != nil {
			return nil, err
		}
		exports, err := s.u.env.DB.Exports(ctx, id, historyLimit)
		return mergeRuns(runs, exportsAsRuns(exports), historyLimit), err
	}, func(runs []storage.Run, err error) {
		if seq != s.runSeq {
			return
		}
		if err != nil {
			s.u.showError("Loading the history failed", err)
			return
		}
		s.runs = runs
		if len(runs) == 0 {
			s.runEmpty.SetText("No checks yet. Run the systems check (Ctrl+R) once the connection is saved.")
			s.runStack.Objects = []fyne.CanvasObject{container.NewCenter(s.runEmpty)}
		} else {
			s.runStack.Objects = []fyne.CanvasObject{s.runList}
		}
		s.runStack.Refresh()
		s.runList.Refresh()
	})
}

func (s *historyScreen) loadAudit() {
	s.auditSeq++
	seq := s.auditSeq
	f := storage.AuditFilter{Text: s.filter.Text, Limit: historyLimit}
	all := s.allProfiles.Checked || s.profile == nil
	if !all {
		f.ProfileID = s.profile.ID
	}
	runAsync(s.u, func(ctx context.Context) ([]storage.AuditEvent, error) {
		return s.u.env.DB.AuditLog(ctx, f)
	}, func(ev []storage.AuditEvent, err error) {
		if seq != s.auditSeq {
			return
		}
		if err != nil {
			s.u.showError("Loading the audit log failed", err)
			return
		}
		s.events = ev
		scope := "all profiles"
		if !all {
			scope = s.profile.Name
		}
		switch {
		case len(ev) == 0 && strings.TrimSpace(f.Text) != "":
			s.auditInfo.SetText(fmt.Sprintf("Nothing matches %q in %s.", strings.TrimSpace(f.Text), scope))
		case len(ev) >= historyLimit:
			s.auditInfo.SetText(fmt.Sprintf("The newest %d events of %s; filter to narrow down.", historyLimit, scope))
		default:
			s.auditInfo.SetText(fmt.Sprintf("%s of %s.", halo.CountOf(len(ev), "event"), scope))
		}
		s.auditList.Refresh()
	})
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

// openRun shows one run's stored report.
func (s *historyScreen) openRun(r storage.Run) {
	s.detail = newRunDialog(s.u, r)
	runAsync(s.u, func(ctx context.Context) ([]byte, error) {
		return s.u.env.DB.RunReport(ctx, r.ID)
	}, func(b []byte, err error) {
		s.detail.setReport(b, err)
	})
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
