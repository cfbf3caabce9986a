package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// The Mapping screen's users: adding, editing and deleting one
// (userDialog); importing them is usersImportDialog's. The model stores
// (mappingModel.addUser, updateUser, deleteUser).

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
	m := s.model
	if m.profile == nil {
		return
	}
	s.showUserDialog("Add a 1stream user", "Add", mapping.User{ProfileID: m.profile.ID}, m.addUser)
}

func (s *mappingScreen) showEditUser() {
	m := s.model
	cur, ok := m.selectedUser()
	if m.profile == nil || !ok {
		s.status.SetText("Select a user to edit.")
		return
	}
	s.showUserDialog("Edit "+cur.Short(), "Save", cur, m.updateUser)
}

func (s *mappingScreen) deleteSelectedUser() {
	m := s.model
	u, ok := m.selectedUser()
	if m.profile == nil || !ok {
		s.status.SetText("Select a user to delete.")
		return
	}
	msg := fmt.Sprintf("Delete the 1stream user %s?", u.Short())
	if mp, mapped := m.maps[u.ID]; mapped {
		msg += fmt.Sprintf("\n\nIts mapping to %s is removed too.", mp.AgentName)
	}
	pid := m.profile.ID
	s.confirm = dialog.NewConfirm("Delete user", msg, func(yes bool) {
		if yes {
			m.deleteUser(pid, u)
		}
	}, s.u.win)
	s.confirm.SetConfirmText("Delete")
	s.confirm.SetConfirmImportance(widget.DangerImportance)
	s.confirm.Show()
}
