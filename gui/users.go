package gui

import (
	"context"
	"errors"
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
	"github.com/halo-assistant/halo-assistant/storage"
)

// usersImportDialog imports 1stream users from a file or pasted cells. It
// shows what will and will not be imported, with line numbers and reasons,
// before anything is stored.
type usersImportDialog struct {
	s *mappingScreen
	d *dialog.CustomDialog

	paste                            *escEntry
	chooseBtn, previewBtn, importBtn *widget.Button
	summary, columns                 *widget.Label
	tabs                             *container.AppTabs
	acceptedTab, rejectedTab         *container.TabItem
	accepted, rejected               *widget.Table
	// preview holds the rows to store (Accepted) and every line that will
	// not be stored, the parser's and PlanImport's refusals (Rejected);
	// actions says per accepted row whether it adds, updates or leaves
	// unchanged a stored user.
	preview   mapping.Preview
	actions   []string
	updates   int
	unchanged int
	source    string
	ready     bool
}

func (s *mappingScreen) showImportUsers() {
	if s.profile == nil {
		return
	}
	d := &usersImportDialog{s: s}
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

	d.accepted = previewTable([]string{"Line", "Extension", "Name", "Email", "Stored as"}, []float32{60, 84, 170, 230, 230},
		func() int { return len(d.preview.Accepted) },
		func(row, col int) string {
			r := d.preview.Accepted[row]
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
			if row < len(d.actions) {
				return d.actions[row]
			}
			return ""
		})
	d.rejected = previewTable([]string{"Line", "Reason", "Row"}, []float32{60, 300, 320},
		func() int { return len(d.preview.Rejected) },
		func(row, col int) string {
			r := d.preview.Rejected[row]
			switch col {
			case 0:
				return strconv.Itoa(r.Line)
			case 1:
				return r.Reason
			}
			return r.Raw
		})
	d.acceptedTab = container.NewTabItem("Will be imported", d.accepted)
	d.rejectedTab = container.NewTabItem("Will not be imported", d.rejected)
	d.tabs = container.NewAppTabs(d.acceptedTab, d.rejectedTab)

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
	d.d = dialog.NewCustomWithoutButtons("Import 1stream users", body, s.u.win)
	cancel.OnTapped = d.d.Hide
	d.paste.onEsc = d.d.Hide
	d.d.SetButtons([]fyne.CanvasObject{cancel, d.importBtn})
	d.d.Resize(fyne.NewSize(860, 640))
	d.d.Show()
	s.u.escapable(d.d.Hide)
	s.importDlg = d
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

func (d *usersImportDialog) chooseFile() { d.s.u.showOpenTable(d.showFailure, d.parseReader) }

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

// importPreview is a parsed file checked against the stored users.
type importPreview struct {
	p                  mapping.Preview
	actions            []string
	updates, unchanged int
}

// parse reads off the UI goroutine: a 10 MB file takes a moment, and the
// parser stops at the size and row limits instead of hanging. The rows are
// then matched with the stored users (mapping.PlanImport) so that rows
// storage would refuse — an extension of one stored user with the email of
// another, two rows updating the same user — are listed with their line
// instead of failing the whole import.
func (d *usersImportDialog) parse(name string, read func() (mapping.Preview, error)) {
	d.ready = false
	d.importBtn.Disable()
	d.summary.Importance = widget.MediumImportance
	d.summary.SetText("Reading " + name + " …")
	existing := d.s.users
	runAsync(d.s.u, func(context.Context) (importPreview, error) {
		p, err := read()
		if err != nil {
			return importPreview{}, err
		}
		return planImport(p, existing), nil
	}, func(ip importPreview, err error) {
		d.source = name
		if err != nil {
			d.preview, d.actions, d.updates, d.unchanged = mapping.Preview{}, nil, 0, 0
			d.refreshTables()
			d.showFailure("Cannot import "+name, err)
			return
		}
		d.actions, d.updates, d.unchanged = ip.actions, ip.updates, ip.unchanged
		d.setPreview(ip.p)
	})
}

// planImport is mapping.PlanUsersImport (what `users import` prints too)
// with each row's action in the dialog's words.
func planImport(p mapping.Preview, existing []mapping.User) importPreview {
	plan := mapping.PlanUsersImport(p, existing)
	ip := importPreview{p: plan.Preview, updates: plan.Updated, unchanged: plan.Unchanged}
	ip.actions = make([]string, len(plan.Rows))
	for i, r := range plan.Rows {
		switch r.Change {
		case mapping.RowNew:
			ip.actions[i] = "new user"
		case mapping.RowUnchanged:
			ip.actions[i] = "unchanged"
		default:
			ip.actions[i] = "updates " + r.Stored.Short()
		}
	}
	return ip
}

func (d *usersImportDialog) showFailure(prefix string, err error) {
	d.ready = false
	d.importBtn.Disable()
	d.columns.Hide()
	d.summary.Importance = widget.DangerImportance
	d.summary.SetText(prefix + ": " + err.Error() + ".")
}

func (d *usersImportDialog) setPreview(p mapping.Preview) {
	d.preview = p
	d.refreshTables()
	n, bad := len(p.Accepted), len(p.Rejected)
	msg := fmt.Sprintf("From %s: %s will be imported", d.source, halo.CountOf(n, "user", "users"))
	if n > 0 {
		msg += fmt.Sprintf(" (%d new, %d updating stored users", n-d.updates-d.unchanged, d.updates)
		if d.unchanged > 0 {
			msg += fmt.Sprintf(", %d unchanged", d.unchanged)
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
	d.acceptedTab.Text = fmt.Sprintf("Will be imported (%d)", len(d.preview.Accepted))
	d.rejectedTab.Text = fmt.Sprintf("Will not be imported (%d)", len(d.preview.Rejected))
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

func (d *usersImportDialog) doImport() {
	s := d.s
	if !d.ready || s.profile == nil {
		return
	}
	pid := s.profile.ID
	users := d.preview.Users(pid)
	lines := make([]int, len(d.preview.Accepted))
	for i, r := range d.preview.Accepted {
		lines[i] = r.Line
	}
	skipped := len(d.preview.Rejected)
	source := d.source
	d.importBtn.Disable()
	d.summary.SetText("Importing …")
	type result struct{ added, updated int }
	runAsync(s.u, func(ctx context.Context) (result, error) {
		a, u, err := s.u.env.DB.UpsertUsers(ctx, pid, users)
		return result{a, u}, err
	}, func(r result, err error) {
		if err != nil {
			d.showFailure("Nothing was imported", entryToLine(err, lines))
			enable(d.importBtn, true)
			d.ready = true
			return
		}
		d.d.Hide()
		msg := fmt.Sprintf("Imported users from %s: %d added, %d updated, %d unchanged.", source,
			r.added, r.updated, len(users)-r.added-r.updated)
		if skipped > 0 {
			msg += fmt.Sprintf(" %s skipped.", halo.CountOf(skipped, "line", "lines"))
		}
		s.status.SetText(msg)
		s.reloadUsers(nil)
	})
}

// entryToLine names the file line of a failed entry (storage.EntryError
// counts the users it was given).
func entryToLine(err error, lines []int) error {
	var ee *storage.EntryError
	if !errors.As(err, &ee) || ee.Index < 1 || ee.Index > len(lines) {
		return err
	}
	return fmt.Errorf("line %d: %w", lines[ee.Index-1], ee.Err)
}

// ---- manual add / edit / delete ----

// userDialog edits one user and stays open, with the reason shown, while
// storage refuses the values (no extension and no email, duplicate, …).
type userDialog struct {
	d                *dialog.CustomDialog
	ext, name, email *escEntry
	errMsg           *widget.Label
	ok               *widget.Button
}

func (s *mappingScreen) showUserDialog(title, confirm string, u mapping.User, submit func(mapping.User, func(error))) {
	ud := &userDialog{ext: newEscEntry(), name: newEscEntry(), email: newEscEntry(), errMsg: wrapped("")}
	ud.ext.SetText(u.Extension)
	ud.name.SetText(u.Name)
	ud.email.SetText(u.Email)
	ud.ext.SetPlaceHolder("101")
	ud.name.SetPlaceHolder("Alice Example")
	ud.email.SetPlaceHolder("alice@example.com")
	ud.errMsg.Importance = widget.DangerImportance
	ud.errMsg.Hide()
	ud.ok = widget.NewButton(confirm, nil)
	ud.ok.Importance = widget.HighImportance
	do := func() {
		ud.ok.Disable()
		nu := u
		nu.Extension, nu.Name, nu.Email = ud.ext.Text, ud.name.Text, ud.email.Text
		submit(nu, func(err error) {
			ud.ok.Enable()
			if err != nil {
				ud.errMsg.SetText(err.Error())
				ud.errMsg.Show()
				return
			}
			ud.d.Hide()
		})
	}
	ud.ok.OnTapped = do
	for _, e := range []*escEntry{ud.ext, ud.name, ud.email} {
		e.OnSubmitted = func(string) { do() }
	}
	form := widget.NewForm(widget.NewFormItem("Extension", ud.ext), widget.NewFormItem("Name", ud.name),
		widget.NewFormItem("Email", ud.email))
	cancel := widget.NewButton("Cancel", nil)
	ud.d = dialog.NewCustomWithoutButtons(title, container.NewVBox(form,
		wrapped("A user needs an extension or an email address (or both)."), ud.errMsg), s.u.win)
	cancel.OnTapped = ud.d.Hide
	// The focused entry gets Esc, not the window.
	ud.ext.onEsc, ud.name.onEsc, ud.email.onEsc = ud.d.Hide, ud.d.Hide, ud.d.Hide
	ud.d.SetButtons([]fyne.CanvasObject{cancel, ud.ok})
	ud.d.Resize(fyne.NewSize(480, 300))
	ud.d.Show()
	s.u.escapable(ud.d.Hide)
	s.u.win.Canvas().Focus(ud.ext)
	s.userDlg = ud
}

func (s *mappingScreen) showAddUser() {
	if s.profile == nil {
		return
	}
	pid := s.profile.ID
	s.showUserDialog("Add a 1stream user", "Add", mapping.User{ProfileID: pid}, func(u mapping.User, finish func(error)) {
		runAsync(s.u, func(ctx context.Context) (mapping.User, error) {
			return s.u.env.DB.AddUser(ctx, u)
		}, func(nu mapping.User, err error) {
			finish(err)
			if err != nil {
				return
			}
			s.selUser = nu.ID
			s.status.SetText("Added " + nu.Short() + ".")
			s.reloadUsers(nil)
		})
	})
}

func (s *mappingScreen) selectedUser() (mapping.User, bool) {
	ri, ok := s.byUser[s.selUser]
	if s.selUser == 0 || !ok {
		return mapping.User{}, false
	}
	return s.rows[ri].user, true
}

func (s *mappingScreen) showEditUser() {
	cur, ok := s.selectedUser()
	if s.profile == nil || !ok {
		s.status.SetText("Select a user to edit.")
		return
	}
	s.showUserDialog("Edit "+cur.Short(), "Save", cur, func(u mapping.User, finish func(error)) {
		runAsync(s.u, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.u.env.DB.UpdateUser(ctx, u)
		}, func(_ struct{}, err error) {
			finish(err)
			if err != nil {
				return
			}
			s.status.SetText("Saved " + u.Short() + ".")
			s.reloadUsers(nil)
		})
	})
}

func (s *mappingScreen) deleteSelectedUser() {
	u, ok := s.selectedUser()
	if s.profile == nil || !ok {
		s.status.SetText("Select a user to delete.")
		return
	}
	msg := fmt.Sprintf("Delete the 1stream user %s?", u.Short())
	if m, mapped := s.maps[u.ID]; mapped {
		msg += fmt.Sprintf("\n\nIts mapping to %s is removed too.", m.AgentName)
	}
	pid := s.profile.ID
	s.confirm = dialog.NewConfirm("Delete user", msg, func(yes bool) {
		if !yes {
			return
		}
		runAsync(s.u, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.u.env.DB.DeleteUser(ctx, pid, u.ID)
		}, func(_ struct{}, err error) {
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				s.u.showError("Deleting the user failed", err)
				return
			}
			s.status.SetText("Deleted " + u.Short() + ".")
			s.reloadUsers(nil)
		})
	}, s.u.win)
	s.confirm.SetConfirmText("Delete")
	s.confirm.SetConfirmImportance(widget.DangerImportance)
	s.confirm.Show()
}
