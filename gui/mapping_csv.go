package gui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

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
		plural(mapped+stale, "user is", "users are"), stale)
	e.saveDialog = s.u.showSaveDialog("Export mappings for upload", intro, "Export", fileSafe(s.profile.Name)+"-halo-mappings.csv",
		".csv", []fyne.CanvasObject{e.bom, e.unmapped}, func(path string, done func(error)) {
			s.exportTo(path, mapping.ExportOptions{BOM: e.bom.Checked, IncludeUnmapped: e.unmapped.Checked}, done)
		})
	s.exportDlg = e
}

// fileSafe makes a profile name usable as a file name.
func fileSafe(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		return "profile"
	}
	return name
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
	users, maps := s.mappingUsers(), s.mappingMappings()
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
		msg := fmt.Sprintf("Exported %s to %s.", plural(len(maps), "mapping", "mappings"), path)
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

// importCounts compares the users' mappings before an import with the
// result: new (had none), changed (another agent), unmapped (their agent
// went to another user in the file).
func importCounts(before map[int64]storage.Mapping, set []storage.Mapping, unmap []int64) (added, changed, unmapped int) {
	for _, m := range set {
		switch prev, had := before[m.UserID]; {
		case !had:
			added++
		case prev.AgentID != m.AgentID:
			changed++
		}
	}
	for _, uid := range unmap {
		if _, had := before[uid]; had {
			unmapped++
		}
	}
	return added, changed, unmapped
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
	users, agents := s.mappingUsers(), s.agents
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
	// The file is applied row by row to a working copy, so every change
	// records the state it replaced and undo can walk them back.
	work := make(map[int64]storage.Mapping, len(s.maps))
	for uid, m := range s.maps {
		work[uid] = m
	}
	holder := make(map[int]int64, len(s.holder))
	for a, u := range s.holder {
		holder[a] = u
	}
	same := 0
	for _, m := range ok {
		if prev, had := s.maps[m.UserID]; had && prev.AgentID == m.AgentID {
			same++
		}
		cur, had := work[m.UserID]
		if had && cur.AgentID == m.AgentID {
			continue
		}
		// The file wins: an agent it gives to this user leaves its current one.
		if other, held := holder[m.AgentID]; held && other != m.UserID {
			prev := work[other]
			delete(work, other)
			md.step.changes = append(md.step.changes, mappingChange{userID: other, before: &prev})
		}
		if had {
			delete(holder, cur.AgentID)
		}
		nm := storage.Mapping{ProfileID: s.profile.ID, UserID: m.UserID, AgentID: m.AgentID, AgentName: m.AgentName,
			AgentEmail: m.AgentEmail, MatchedBy: m.MatchedBy, MappedAt: m.MappedAt}
		if nm.MappedAt.IsZero() {
			nm.MappedAt = time.Now()
		}
		work[m.UserID] = nm
		holder[m.AgentID] = m.UserID
		md.step.changes = append(md.step.changes, mappingChange{userID: m.UserID, before: mappingPtr(cur, had), after: &nm})
	}
	md.step.label = "import mappings from " + name
	set, unmap := md.step.result(false)
	// Counted against the mappings before the import: a user whose agent
	// an earlier row took and a later row replaced was changed, not new.
	added, changed, unmapped := importCounts(s.maps, set, unmap)

	text := fmt.Sprintf("%s: %d new, %d changed, %d already as in the file.", name, added, changed, same)
	if unmapped > 0 {
		text += fmt.Sprintf(" %s left unmapped: the file gives their agent to another user.",
			plural(unmapped, "user is", "users are"))
	}
	if len(problems) > 0 {
		text += fmt.Sprintf(" %s cannot be used (listed below).", plural(len(problems), "row", "rows"))
	}
	md.summary = wrapped(text)
	list := previewTable([]string{"Line", "Problem", "Row"}, []float32{60, 320, 300},
		func() int { return len(md.problems) },
		func(row, col int) string {
			p := md.problems[row]
			switch col {
			case 0:
				return strconv.Itoa(p.Line)
			case 1:
				return p.Reason
			}
			return p.Raw
		})
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
			s.status.SetText(msg + fmt.Sprintf("; %s skipped.", plural(len(problems), "row", "rows")))
		})
	}, s.u.win)
	if len(problems) > 0 {
		md.d.Resize(fyne.NewSize(760, 480))
	}
	md.d.Show()
	s.mapImportDlg = md
}
