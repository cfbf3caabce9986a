package gui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// exportDialog asks how and where to write the mappings file.
type exportDialog struct {
	*saveDialog
	bom, unmapped *widget.Check
}

func (s *mappingScreen) showExport() {
	if s.profile == nil {
		return
	}
	e := &exportDialog{}
	e.bom = widget.NewCheck("Excel-friendly (adds a byte order mark so Excel reads accents correctly)", nil)
	e.bom.SetChecked(true)
	e.unmapped = widget.NewCheck("Include unmapped users (with the agent columns empty)", nil)
	mapped, _, stale, _ := s.counts()
	intro := fmt.Sprintf("Writes a CSV with one row per user: extension, 1stream name and email, Halo agent ID, "+
		"name and email, how it was matched and when. %s mapped (%d of them stale).",
		halo.CountOf(mapped+stale, "user is", "users are"), stale)
	e.saveDialog = s.u.showSaveDialog("Export mappings for upload", intro, "Export", fileSlug(s.profile.Name)+"-halo-mappings.csv",
		".csv", []fyne.CanvasObject{e.bom, e.unmapped}, func(path string, done func(error)) {
			s.exportTo(path, mapping.ExportOptions{BOM: e.bom.Checked, IncludeUnmapped: e.unmapped.Checked}, done)
		})
	s.exportDlg = e
}

// exportTo writes the mappings file off the UI goroutine. mapping.WriteCSVFile
// replaces path only once the new file is complete. done, when set, hears
// how it went (the save dialog shows a failure); else a failure shows in a
// dialog of its own.
func (s *mappingScreen) exportTo(path string, opt mapping.ExportOptions, done func(error)) {
	if s.profile == nil {
		if done != nil {
			done(errors.New("no profile is selected"))
		}
		return
	}
	users, maps := s.users, s.currentMappings()
	type result struct{ auditErr error }
	runAsync(s.u, func(ctx context.Context) (result, error) {
		if err := mapping.WriteCSVFile(path, users, maps, opt); err != nil {
			return result{}, err
		}
		return result{s.changes.recordExport(ctx, path, users, maps, opt)}, nil
	}, func(r result, err error) {
		if done != nil {
			done(err)
		}
		if err != nil {
			if done == nil {
				s.u.showError("Exporting the mappings failed (an existing file of that name is unchanged)", err)
			}
			return
		}
		msg := fmt.Sprintf("Exported %s to %s.", halo.CountOf(len(maps), "mapping", "mappings"), path)
		if r.auditErr != nil {
			s.u.env.Log.Error("remembering the export failed", "err", r.auditErr)
			msg += " " + r.auditErr.Error()
		}
		s.status.SetText(msg)
		s.changes.loadBaseline()
	})
}

// mappingImportDialog shows what a mappings file will change, and the rows
// that cannot be used (agent gone, user not found, …), before applying it.
type mappingImportDialog struct {
	d        *dialog.ConfirmDialog
	summary  *widget.Label
	problems []mapping.Rejected
	step     undoStep
}

func (s *mappingScreen) showImportMappings() {
	if s.profile == nil {
		return
	}
	s.u.showOpenTable(s.u.showError, s.importMappingsFrom)
}

// importMappingsFrom reads a mappings file (mapping.ReadMappingsCSV),
// resolves it against the current users and agents and asks before
// applying it. It closes rc.
func (s *mappingScreen) importMappingsFrom(name string, rc io.ReadCloser) {
	if s.profile == nil {
		rc.Close()
		return
	}
	pid := s.profile.ID
	users, agents := s.users, s.agents
	type result struct {
		ok       []mapping.Mapping
		problems []mapping.Rejected
	}
	runAsync(s.u, func(context.Context) (result, error) {
		defer rc.Close()
		recs, bad, err := mapping.ReadMappingsCSV(rc)
		if err != nil {
			return result{}, err
		}
		ok, problems := mapping.ResolveMappings(recs, users, agents)
		all := append(bad, problems...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].Line < all[j].Line })
		return result{ok, all}, nil
	}, func(r result, err error) {
		if s.profile == nil || s.profile.ID != pid {
			return
		}
		if err != nil {
			s.u.showError("Cannot import "+name, err)
			return
		}
		s.confirmMappingImport(name, r.ok, r.problems)
	})
}

func (s *mappingScreen) confirmMappingImport(name string, ok []mapping.Mapping, problems []mapping.Rejected) {
	md := &mappingImportDialog{problems: problems}
	// The plan is the CLI's import-mappings rule: the file wins, an agent
	// leaves its previous user. Its steps keep the state each change
	// replaced, so undo can walk them back.
	rows := make([]mapping.Mapping, len(ok))
	for i, m := range ok {
		m.ProfileID = s.profile.ID
		rows[i] = m
	}
	plan := mapping.PlanMappingImport(s.currentMappings(), rows, time.Now())
	for _, st := range plan.Edits {
		md.step.changes = append(md.step.changes, mappingChange{userID: st.UserID, before: st.Before, after: st.After})
	}
	md.step.label = "import mappings from " + name
	set, unmap := plan.Set, plan.Unmap
	added, changed, unmapped, same := plan.Added, plan.Changed, plan.Unmapped, plan.Same

	text := fmt.Sprintf("%s: %d new, %d changed, %d already as in the file.", name, added, changed, same)
	if unmapped > 0 {
		text += fmt.Sprintf(" %s left unmapped: the file gives their agent to another user.",
			halo.CountOf(unmapped, "user is", "users are"))
	}
	if len(problems) > 0 {
		text += fmt.Sprintf(" %s cannot be used (listed below).", halo.CountOf(len(problems), "row", "rows"))
	}
	md.summary = wrapped(text)
	list := previewTable([]string{"Line", "Problem", "Row"}, []float32{60, 320, 300},
		func() int { return len(md.problems) },
		func(row, col int) string { return rejectedCell(md.problems[row], col) })
	var content fyne.CanvasObject = md.summary
	if len(problems) > 0 {
		content = container.NewBorder(md.summary, nil, nil, nil, list)
	}
	session := s.session
	md.d = dialog.NewCustomConfirm("Import mappings", "Apply", "Cancel", content, func(yes bool) {
		if !yes || len(md.step.changes) == 0 || session != s.session || s.profile == nil {
			return
		}
		if s.busy {
			s.status.SetText("Still saving the previous change; import the file again in a moment.")
			return
		}
		// The plan was made from the mappings on screen: every user it
		// touches must still have the agent it had then.
		s.apply(set, unmap, md.step.agents(true), "", "", func(err error) {
			switch {
			case errors.Is(err, storage.ErrConflict):
				s.tellConflict(conflictApplyText)
				return
			case err != nil:
				s.u.showError("Importing the mappings failed", err)
				return
			}
			s.history.push(md.step)
			msg := fmt.Sprintf("Imported mappings from %s: %d new, %d changed", name, added, changed)
			if unmapped > 0 {
				msg += fmt.Sprintf(", %d unmapped", unmapped)
			}
			s.status.SetText(msg + fmt.Sprintf("; %s skipped.", halo.CountOf(len(problems), "row", "rows")))
		})
	}, s.u.win)
	if len(problems) > 0 {
		md.d.Resize(fyne.NewSize(760, 480))
	}
	md.d.Show()
	s.mapImportDlg = md
}
