package gui

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// usersImportDialog imports 1stream users from a file or pasted cells. It
// shows what will and will not be imported, with line numbers and reasons,
// before anything is stored; the model plans and stores
// (mappingModel.planUsersImport, importUsers).
type usersImportDialog struct {
	u *UI
	m *mappingModel
	d *dialog.CustomDialog

	paste                            *escEntry
	chooseBtn, previewBtn, importBtn *widget.Button
	summary, columns                 *widget.Label
	importTabs
	// plan holds the rows to store (Preview.Accepted), what each does to
	// the stored users (Rows), and every line that will not be stored
	// (Preview.Rejected).
	plan   mapping.UsersImportPlan
	source string
	ready  bool
}

// importTabs are the preview's two tables: what will and will not be
// imported.
type importTabs struct {
	tabs                     *container.AppTabs
	acceptedTab, rejectedTab *container.TabItem
	accepted, rejected       *widget.Table
}

func (s *mappingScreen) showImportUsers() {
	if s.model.profile == nil {
		return
	}
	s.importDlg = newUsersImportDialog(s.u, s.model)
}

func newUsersImportDialog(u *UI, m *mappingModel) *usersImportDialog {
	d := &usersImportDialog{u: u, m: m}
	// Esc reaches a focused entry, not the window: the paste box closes
	// the dialog itself.
	d.paste = newEscEntry()
	d.paste.MultiLine = true
	d.paste.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	d.paste.SetPlaceHolder("…or paste cells copied from a spreadsheet here, header row included\n" +
		"Extension\tName\tEmail\n101\tAlice Example\talice@example.com")
	d.paste.SetMinRowsVisible(4)
	d.chooseBtn = widget.NewButtonWithIcon("Choose a CSV or TSV file…", theme.FolderOpenIcon(), d.chooseFile)
	d.previewBtn = widget.NewButtonWithIcon("Preview pasted cells", theme.VisibilityIcon(), d.previewPaste)
	d.summary = wrapped("Choose a file or paste cells to see what will be imported.")
	d.columns = wrapped("")
	d.columns.Hide()
	d.buildTabs()
	d.importBtn = widget.NewButtonWithIcon("Import", theme.ConfirmIcon(), d.doImport)
	d.importBtn.Importance = widget.HighImportance
	d.importBtn.Disable()
	cancel := widget.NewButton("Cancel", nil)

	top := container.NewVBox(
		wrapped("Import the 1stream users from a CSV or tab-separated file, or paste them from a spreadsheet. "+
			"Columns are found by their header (Extension, Name or First/Last name, Email). Users whose "+
			"extension or email already exists are updated, not duplicated."),
		container.NewHBox(d.chooseBtn),
		d.paste,
		container.NewHBox(d.previewBtn),
		d.summary, d.columns)
	body := container.NewBorder(top, nil, nil, nil, d.tabs)
	d.d = dialog.NewCustomWithoutButtons("Import 1stream users", body, u.win)
	cancel.OnTapped = d.d.Hide
	d.paste.onEsc = d.d.Hide
	d.d.SetButtons([]fyne.CanvasObject{cancel, d.importBtn})
	d.d.Resize(fyne.NewSize(860, 640))
	d.d.Show()
	u.escapable(d.d.Hide)
	return d
}

func (d *usersImportDialog) buildTabs() {
	d.accepted = previewTable([]string{"Line", "Extension", "Name", "Email", "Stored as"}, []float32{60, 84, 170, 230, 230},
		func() int { return len(d.plan.Preview.Accepted) },
		func(row, col int) string {
			r := d.plan.Preview.Accepted[row]
			switch col {
			case 0:
				return strconv.Itoa(r.Line)
			case 1:
				return r.User.Extension
			case 2:
				return r.User.Name
			case 3:
				return r.User.Email
			}
			if row < len(d.plan.Rows) {
				return plannedAction(d.plan.Rows[row])
			}
			return ""
		})
	d.rejected = previewTable([]string{"Line", "Reason", "Row"}, []float32{60, 300, 320},
		func() int { return len(d.plan.Preview.Rejected) },
		func(row, col int) string { return rejectedCell(d.plan.Preview.Rejected[row], col) })
	d.acceptedTab = container.NewTabItem("Will be imported", d.accepted)
	d.rejectedTab = container.NewTabItem("Will not be imported", d.rejected)
	d.tabs = container.NewAppTabs(d.acceptedTab, d.rejectedTab)
}

// plannedAction is what an accepted row does, in the dialog's words (what
// `users import` counts too).
func plannedAction(r mapping.PlannedRow) string {
	switch r.Change {
	case mapping.RowNew:
		return "new user"
	case mapping.RowUnchanged:
		return "unchanged"
	}
	return "updates " + r.Stored.Short()
}

// rejectedCell is a cell of a table of refused lines: line, reason, row.
func rejectedCell(r mapping.Rejected, col int) string {
	switch col {
	case 0:
		return strconv.Itoa(r.Line)
	case 1:
		return r.Reason
	}
	return r.Raw
}

// previewTable is a read-only virtualised table with a header row.
func previewTable(titles []string, widths []float32, rows func() int, cell func(row, col int) string) *widget.Table {
	t := widget.NewTable(
		func() (int, int) { return rows(), len(titles) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("template")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < 0 || id.Row >= rows() {
				return
			}
			setLabel(o.(*widget.Label), cell(id.Row, id.Col))
		})
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("Header", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(titles) {
			setLabel(o.(*widget.Label), titles[id.Col])
		}
	}
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	return t
}

func (d *usersImportDialog) chooseFile() { d.u.showOpenTable(d.showFailure, d.parseReader) }

// parseReader previews an opened file and closes it.
func (d *usersImportDialog) parseReader(name string, rc io.ReadCloser) {
	d.parse(name, func() (mapping.Preview, error) {
		defer rc.Close()
		return mapping.ParseUsers(rc)
	})
}

func (d *usersImportDialog) previewPaste() {
	text := d.paste.Text
	if strings.TrimSpace(text) == "" {
		d.summary.SetText("Paste the cells first, header row included.")
		return
	}
	d.parse("the pasted cells", func() (mapping.Preview, error) { return mapping.ParseUsersText(text) })
}

// parse reads and plans in the background (mappingModel.planUsersImport).
func (d *usersImportDialog) parse(name string, read func() (mapping.Preview, error)) {
	d.ready = false
	d.importBtn.Disable()
	d.summary.Importance = widget.MediumImportance
	d.summary.SetText("Reading " + name + " …")
	d.m.planUsersImport(read, func(plan mapping.UsersImportPlan, err error) {
		d.source = name
		if err != nil {
			d.plan = mapping.UsersImportPlan{}
			d.refreshTables()
			d.showFailure("Cannot import "+name, err)
			return
		}
		d.setPlan(plan)
	})
}

func (d *usersImportDialog) showFailure(prefix string, err error) {
	d.ready = false
	d.importBtn.Disable()
	d.columns.Hide()
	d.summary.Importance = widget.DangerImportance
	d.summary.SetText(prefix + ": " + err.Error() + ".")
}

func (d *usersImportDialog) setPlan(plan mapping.UsersImportPlan) {
	d.plan = plan
	d.refreshTables()
	p := plan.Preview
	n, bad := len(p.Accepted), len(p.Rejected)
	msg := fmt.Sprintf("From %s: %s will be imported", d.source, halo.CountOf(n, "user", "users"))
	if n > 0 {
		msg += fmt.Sprintf(" (%d new, %d updating stored users", plan.New, plan.Updated)
		if plan.Unchanged > 0 {
			msg += fmt.Sprintf(", %d unchanged", plan.Unchanged)
		}
		msg += ")"
	}
	if bad > 0 {
		msg += fmt.Sprintf("; %s will not (see “Will not be imported” for the reasons)", halo.CountOf(bad, "line", "lines"))
	}
	d.summary.Importance = widget.MediumImportance
	if n == 0 {
		d.summary.Importance = widget.WarningImportance
		msg += ". Nothing to import"
	}
	d.summary.SetText(msg + ".")
	if cols := describeColumns(p); cols != "" {
		d.columns.SetText(cols)
		d.columns.Show()
	} else {
		d.columns.Hide()
	}
	d.ready = n > 0
	enable(d.importBtn, d.ready)
	d.importBtn.SetText("Import " + halo.CountOf(n, "user", "users"))
	if bad > 0 && n == 0 {
		d.tabs.Select(d.rejectedTab)
	} else {
		d.tabs.Select(d.acceptedTab)
	}
}

func (d *usersImportDialog) refreshTables() {
	d.acceptedTab.Text = fmt.Sprintf("Will be imported (%d)", len(d.plan.Preview.Accepted))
	d.rejectedTab.Text = fmt.Sprintf("Will not be imported (%d)", len(d.plan.Preview.Rejected))
	d.tabs.Refresh()
	d.accepted.Refresh()
	d.rejected.Refresh()
}

// describeColumns says which column feeds which field, so a file without
// a header (columns guessed from the data) can be checked before import.
func describeColumns(p mapping.Preview) string {
	roles := []struct{ role, label string }{{mapping.ColExtension, "Extension"}, {mapping.ColName, "Name"},
		{mapping.ColFirst, "First name"}, {mapping.ColLast, "Last name"}, {mapping.ColEmail, "Email"}}
	var parts []string
	for _, r := range roles {
		i, ok := p.Columns[r.role]
		if !ok {
			continue
		}
		src := fmt.Sprintf("column %d", i+1)
		if !p.HeaderInferred && i < len(p.Header) {
			src = fmt.Sprintf("“%s”", p.Header[i])
		}
		parts = append(parts, r.label+" ← "+src)
	}
	if len(parts) == 0 {
		return ""
	}
	if p.HeaderInferred {
		return "No header row found, so the columns were recognised from the data — check them: " + strings.Join(parts, ", ") + "."
	}
	return "Columns: " + strings.Join(parts, ", ") + "."
}

// doImport stores the accepted rows; the dialog closes once they are.
func (d *usersImportDialog) doImport() {
	if !d.ready || d.m.profile == nil {
		return
	}
	d.importBtn.Disable()
	d.summary.SetText("Importing …")
	d.m.importUsers(d.plan.Preview, d.source, func(err error) {
		if err != nil {
			d.showFailure("Nothing was imported", err)
			enable(d.importBtn, true)
			d.ready = true
			return
		}
		d.d.Hide()
	})
}
