package gui

import (
	"context"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// changesPanel is the Mapping screen's "changes since the last export":
// what to update, row by row, in 1stream's CRM User Mappings screen, which
// has no import. It compares the rows of the last export (loaded from
// storage) with the screen's own users, mappings and agents, so it follows
// every edit at once.
type changesPanel struct {
	s *mappingScreen

	profileID int64 // whose baseline is loaded; 0: none yet
	baseline  []mapping.Row
	exported  bool
	exportAt  time.Time
	seq       int
	changes   []mapping.Change
	// shown: the panel opened itself for this profile once; it does so
	// when something changed since an export, not before the first.
	shown bool

	toggle, exportBtn, recordBtn *widget.Button
	summary                      *widget.Label
	list                         *widget.List
	box                          *fyne.Container

	// Dialogs, kept for tests.
	exportDlg, recordDlg *saveDialog
	bom                  *widget.Check
}

func newChangesPanel(s *mappingScreen) *changesPanel {
	c := &changesPanel{s: s}
	c.summary = wrapped("")
	c.list = widget.NewList(
		func() int { return len(c.changes) },
		func() fyne.CanvasObject {
			kind := widget.NewLabelWithStyle("changed", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			do := widget.NewLabel("set Ext. 307 José O'Brien → José O'Brien (Halo)")
			do.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, kind, nil, do)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(c.changes) {
				return
			}
			ch := c.changes[i]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(ch.Do + "  (" + ch.Why + ")")
			row.Objects[1].(*widget.Label).SetText(string(ch.Kind))
		},
	)
	c.list.OnSelected = func(widget.ListItemID) { c.list.UnselectAll() }
	c.exportBtn = widget.NewButtonWithIcon("Export changes…", theme.DocumentSaveIcon(), c.showExport)
	c.exportBtn.Importance = widget.HighImportance
	hide := widget.NewButtonWithIcon("Hide", theme.CancelIcon(), func() { c.box.Hide() })
	space := canvas.NewRectangle(nil)
	space.SetMinSize(fyne.NewSize(0, 150))
	c.box = container.NewStack(canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNamePrimary), 0x20)),
		container.NewBorder(c.summary, nil, nil, container.NewVBox(c.exportBtn, hide), container.NewStack(space, c.list)))
	c.box.Hide()
	c.toggle = widget.NewButtonWithIcon("Changes", theme.HistoryIcon(), func() {
		if c.box.Visible() {
			c.box.Hide()
		} else {
			c.box.Show()
		}
	})
	c.recordBtn = widget.NewButtonWithIcon("Record…", theme.DocumentIcon(), c.showRecord)
	return c
}

// loadBaseline reads the last export of the current profile.
func (c *changesPanel) loadBaseline() {
	s := c.s
	if s.profile == nil {
		return
	}
	id := s.profile.ID
	if id != c.profileID {
		c.profileID, c.baseline, c.exported, c.shown = 0, nil, false, false
	}
	c.seq++
	seq := c.seq
	runAsync(s.u, func(ctx context.Context) (storage.Export, error) {
		e, _, err := s.u.env.DB.LatestExport(ctx, id)
		return e, err
	}, func(e storage.Export, err error) {
		if seq != c.seq || s.profile == nil || s.profile.ID != id {
			return
		}
		if err != nil {
			s.u.showError("Loading the last export failed", err)
			return
		}
		c.profileID, c.baseline, c.exported, c.exportAt = id, e.Rows, e.ID != 0, e.At
		c.update()
	})
}

// update recomputes the changes from the screen's data (rebuild calls it).
func (c *changesPanel) update() {
	s := c.s
	c.changes = nil
	switch {
	case s.profile == nil || s.loading || c.profileID != s.profile.ID:
		c.summary.SetText("Loading the last export …")
		c.toggle.SetText("Changes")
		c.exportBtn.Disable()
	default:
		c.changes = mapping.Changes(c.baseline, s.users, s.currentMappings(), s.agents)
		c.summary.SetText(c.describe())
		c.toggle.SetText(fmt.Sprintf("Changes (%d)", len(c.changes)))
		if len(c.changes) > 0 {
			if c.exported && !c.shown {
				c.shown = true
				c.box.Show()
			}
			c.exportBtn.Enable()
		} else {
			c.exportBtn.Disable()
		}
	}
	c.list.Refresh()
}

func (c *changesPanel) describe() string {
	since := "Nothing has been exported yet, so 1stream holds no mappings: every mapped user is a change."
	if c.exported {
		since = "Since the last export (" + fmtWhen(c.exportAt) + ")."
	}
	if len(c.changes) == 0 {
		return since + " No changes: 1stream's CRM User Mappings are up to date."
	}
	return fmt.Sprintf("%s %s to make in 1stream: Administration › Manage Organization › CRM User Mappings, "+
		"one drop-down per user. Export them as a checklist, or work through the list below.", since, halo.CountOf(len(c.changes), "change", "changes"))
}

// showExport writes only the changed rows; what 1stream then holds becomes
// the new baseline.
func (c *changesPanel) showExport() {
	s := c.s
	if s.profile == nil || len(c.changes) == 0 {
		return
	}
	c.bom = widget.NewCheck("Excel-friendly (adds a byte order mark so Excel reads accents correctly)", nil)
	c.bom.SetChecked(true)
	intro := fmt.Sprintf("Writes the %s with a Change column (added, changed, removed; a removed row keeps the agent it had). "+
		"Once written, this is what 1stream holds as far as the app knows.", halo.CountOf(len(c.changes), "changed row", "changed rows"))
	name := fileSlug(s.profile.Name) + "-changes-" + time.Now().Format("2006-01-02") + ".csv"
	c.exportDlg = s.u.showSaveDialog("Export changes for 1stream", intro, "Export", name, ".csv", []fyne.CanvasObject{c.bom},
		func(path string, done func(error)) { c.exportTo(path, c.bom.Checked, done) })
}

func (c *changesPanel) exportTo(path string, bom bool, done func(error)) {
	s := c.s
	d := &storage.DayTwo{Profile: *s.profile, PulledAt: s.pulledAt}
	changes := c.changes
	rows := mapping.CurrentRows(s.users, s.currentMappings(), s.agents)
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		if err := mapping.WriteFileAtomic(path, func(w io.Writer) error { return mapping.WriteChangesCSV(w, changes, bom) }); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, storage.RecordExport(ctx, s.u.env.DB, d, storage.ExportChanges, path, rows, len(changes))
	}, func(_ struct{}, err error) {
		done(err)
		if err == nil {
			s.status.SetText(fmt.Sprintf("Exported %s to %s.", halo.CountOf(len(changes), "change", "changes"), path))
		}
		c.loadBaseline()
	})
}

// recordExport remembers a full export from the Export CSV… button.
func (c *changesPanel) recordExport(ctx context.Context, path string, users []mapping.User, maps []mapping.Mapping, opt mapping.ExportOptions) error {
	s := c.s
	rows := mapping.ExportRows(users, maps)
	written := len(rows)
	if opt.IncludeUnmapped {
		written = len(users)
	}
	d := &storage.DayTwo{Profile: *s.profile, PulledAt: s.pulledAt}
	return storage.RecordExport(ctx, s.u.env.DB, d, storage.ExportFull, path, rows, written)
}

// showRecord saves the integration record, as HTML or Markdown by the
// file name's extension.
func (c *changesPanel) showRecord() {
	s := c.s
	if s.profile == nil {
		return
	}
	id := s.profile.ID
	intro := "The integration record for your documentation (IT Glue, Hudu): the six 1stream values (never the Client Secret), " +
		"Halo as the last check saw it, the checklist, the mappings and the changes since the last export. " +
		"Name the file .html for a page that prints well, or .md for Markdown."
	c.recordDlg = s.u.showSaveDialog("Save the integration record", intro, "Save", fileSlug(s.profile.Name)+"-integration-record.html",
		".html", nil, func(path string, done func(error)) {
			html, err := mapping.RecordIsHTML(path)
			if err != nil {
				done(err)
				return
			}
			runAsync(s.u, func(ctx context.Context) (struct{}, error) {
				d, err := storage.LoadDayTwo(ctx, s.u.env.DB, id)
				if err != nil {
					return struct{}{}, err
				}
				rec, err := d.Record(ctx, s.u.env.DB, time.Now())
				if err != nil {
					return struct{}{}, err
				}
				return struct{}{}, mapping.WriteRecordFile(path, &rec, html)
			}, func(_ struct{}, err error) {
				done(err)
				if err == nil {
					s.status.SetText("Saved the integration record to " + path + ".")
				}
			})
		})
}

// runExport is the kind the History screen gives exports, listed with the
// checks and syncs.
const runExport = "export"

// exportsAsRuns turns exports into history rows.
func exportsAsRuns(es []storage.Export) []storage.Run {
	out := make([]storage.Run, len(es))
	for i, e := range es {
		out[i] = storage.Run{ID: e.ID, ProfileID: e.ProfileID, Kind: runExport, StartedAt: e.At, OK: true, Summary: e.Summary()}
	}
	return out
}

// mergeRuns merges two newest-first lists, keeping the newest limit.
func mergeRuns(a, b []storage.Run, limit int) []storage.Run {
	out := make([]storage.Run, 0, min(len(a)+len(b), limit))
	for len(out) < limit && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || len(a) > 0 && !a[0].StartedAt.Before(b[0].StartedAt) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// runKindName names a history row's kind.
func runKindName(r storage.Run) string {
	switch r.Kind {
	case storage.RunSync:
		return "Sync"
	case runExport:
		return "Export"
	case storage.RunContactsFix:
		return "Contacts fix"
	case storage.RunContactsUndo:
		return "Undo of a contacts fix"
	}
	return "Systems check"
}
