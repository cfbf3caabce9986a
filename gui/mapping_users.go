package gui

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The Mapping screen's users: importing them (usersImportDialog) and
// adding, editing and deleting one (userDialog).

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
		func(row, col int) string { return rejectedCell(d.preview.Rejected[row], col) })
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
