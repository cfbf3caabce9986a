package gui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// changesPanel is the Mapping screen's "changes since the last export":
// what to update, row by row, in 1stream's CRM User Mappings screen, which
// has no import. The model compares the rows of the last export with its
// own users, mappings and agents (mappingModel.changes), so the panel
// follows every edit at once. Its Record… button saves the integration
// record.
type changesPanel struct {
	u *UI
	m *mappingModel
	// openedFor is the baseline (exportBaseline.resets) the panel opened
	// itself for: it does so once per profile shown, when something
	// changed since an export, not before the first.
	openedFor int

	toggle, exportBtn, recordBtn *widget.Button
	summary                      *widget.Label
	list                         *widget.List
	box                          *fyne.Container

	// Dialogs, kept for tests.
	exportDlg, recordDlg *saveDialog
	bom                  *widget.Check
}

func newChangesPanel(u *UI, m *mappingModel) *changesPanel {
	c := &changesPanel{u: u, m: m, openedFor: -1}
	c.summary = wrapped("")
	c.list = widget.NewList(
		func() int { return len(c.m.changes) },
		func() fyne.CanvasObject {
			kind := widget.NewLabelWithStyle("changed", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			do := widget.NewLabel("set Ext. 307 José O'Brien → José O'Brien (Halo)")
			do.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, kind, nil, do)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(c.m.changes) {
				return
			}
			ch := c.m.changes[i]
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

// update shows the model's changes (the screen's refresh calls it).
func (c *changesPanel) update() {
	m := c.m
	switch {
	case !m.baselineReady():
		c.summary.SetText("Loading the last export …")
		c.toggle.SetText("Changes")
		c.exportBtn.Disable()
	default:
		c.summary.SetText(c.describe())
		c.toggle.SetText(fmt.Sprintf("Changes (%d)", len(m.changes)))
		if len(m.changes) > 0 {
			if m.baseline.exported && c.openedFor != m.baseline.resets {
				c.openedFor = m.baseline.resets
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
	if b := c.m.baseline; b.exported {
		since = "Since the last export (" + fmtWhen(b.at) + ")."
	}
	if len(c.m.changes) == 0 {
		return since + " No changes: 1stream's CRM User Mappings are up to date."
	}
	return fmt.Sprintf("%s %s to make in 1stream: Administration › Manage Organization › CRM User Mappings, "+
		"one drop-down per user. Export them as a checklist, or work through the list below.", since, halo.CountOf(len(c.m.changes), "change", "changes"))
}

// showExport asks where to write only the changed rows
// (mappingModel.exportChanges).
func (c *changesPanel) showExport() {
	m := c.m
	if m.profile == nil || len(m.changes) == 0 {
		return
	}
	c.bom = widget.NewCheck("Excel-friendly (adds a byte order mark so Excel reads accents correctly)", nil)
	c.bom.SetChecked(true)
	intro := fmt.Sprintf("Writes the %s with a Change column (added, changed, removed; a removed row keeps the agent it had). "+
		"Once written, this is what 1stream holds as far as the app knows.", halo.CountOf(len(m.changes), "changed row", "changed rows"))
	name := fileSlug(m.profile.Name) + "-changes-" + time.Now().Format("2006-01-02") + ".csv"
	c.exportDlg = c.u.showSaveDialog("Export changes for 1stream", intro, "Export", name, ".csv", []fyne.CanvasObject{c.bom},
		func(path string, done func(error)) { m.exportChanges(path, c.bom.Checked, done) })
}

// showRecord saves the integration record, as HTML or Markdown by the
// file name's extension (mappingModel.saveRecord).
func (c *changesPanel) showRecord() {
	m := c.m
	if m.profile == nil {
		return
	}
	intro := "The integration record for your documentation (IT Glue, Hudu): the six 1stream values (never the Client Secret), " +
		"Halo as the last check saw it, the checklist, the mappings and the changes since the last export. " +
		"Name the file .html for a page that prints well, or .md for Markdown."
	c.recordDlg = c.u.showSaveDialog("Save the integration record", intro, "Save", fileSlug(m.profile.Name)+"-integration-record.html",
		".html", nil, func(path string, done func(error)) {
			html, err := mapping.RecordIsHTML(path)
			if err != nil {
				done(err)
				return
			}
			m.saveRecord(path, html, done)
		})
}
