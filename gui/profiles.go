package gui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
)

// profilesScreen lists the profiles (one per 1stream organisation) and
// creates, renames, duplicates, deletes and selects them.
type profilesScreen struct {
	u *UI

	items []storage.Profile

	list                                    *widget.List
	newBtn, renameBtn, duplicateBtn, delBtn *widget.Button
	status                                  *widget.Label
	empty                                   *fyne.Container
	stack                                   *fyne.Container
	root                                    fyne.CanvasObject
	dlg                                     *nameDialog
	confirm                                 *dialog.ConfirmDialog
	selecting                               bool
}

func newProfilesScreen(u *UI) *profilesScreen {
	s := &profilesScreen{u: u}
	s.list = widget.NewList(
		func() int { return len(s.items) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("Profile name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			detail := widget.NewLabel("https://example.halopsa.com")
			lines := container.New(layout.NewCustomPaddedVBoxLayout(-2*theme.Padding()), name, detail)
			return container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), nil, lines)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := s.items[i]
			row := o.(*fyne.Container)
			box := row.Objects[0].(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(p.Name)
			detail := "No Halo URL yet"
			if p.HaloURL != "" {
				detail = p.HaloURL
			}
			box.Objects[1].(*widget.Label).SetText(detail)
			icon := theme.AccountIcon()
			if s.u.current != nil && s.u.current.ID == p.ID {
				icon = theme.ConfirmIcon()
			}
			row.Objects[1].(*widget.Icon).SetResource(icon)
		},
	)
	s.list.OnSelected = func(i widget.ListItemID) {
		if s.selecting || i >= len(s.items) {
			return
		}
		s.use(s.items[i])
	}

	s.newBtn = widget.NewButtonWithIcon("New profile…", theme.ContentAddIcon(), s.newProfile)
	s.newBtn.Importance = widget.HighImportance
	s.renameBtn = widget.NewButtonWithIcon("Rename…", theme.DocumentCreateIcon(), s.renameProfile)
	s.duplicateBtn = widget.NewButtonWithIcon("Duplicate…", theme.ContentCopyIcon(), s.duplicateProfile)
	s.delBtn = widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), s.deleteProfile)
	s.delBtn.Importance = widget.DangerImportance
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	intro := wrapped("A profile holds one 1stream organisation's HaloPSA connection, checklist progress, " +
		"users, mappings and history. Select the profile you are working on.")
	startBtn := widget.NewButtonWithIcon("Create your first profile…", theme.ContentAddIcon(), s.newProfile)
	startBtn.Importance = widget.HighImportance
	s.empty = container.NewCenter(container.NewVBox(
		heading("No profiles yet"),
		wrapped("Create a profile for the 1stream organisation you are connecting to HaloPSA."),
		startBtn,
	))
	s.stack = container.NewStack(s.list)
	buttons := container.NewHBox(s.newBtn, s.renameBtn, s.duplicateBtn, s.delBtn)
	s.root = container.NewBorder(
		container.NewVBox(heading("Profiles"), intro, buttons),
		s.status, nil, nil, s.stack)
	s.updateButtons()
	return s
}

func (s *profilesScreen) title() string              { return "Profiles" }
func (s *profilesScreen) icon() fyne.Resource        { return theme.AccountIcon() }
func (s *profilesScreen) content() fyne.CanvasObject { return s.root }
func (s *profilesScreen) profileChanged(*storage.Profile) {
	s.updateButtons()
	s.list.Refresh()
}

func (s *profilesScreen) updateButtons() {
	has := s.u.current != nil
	for _, b := range []*widget.Button{s.renameBtn, s.duplicateBtn, s.delBtn} {
		if has {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// reload reads the profiles; with restore it also re-selects the profile
// remembered from the last session.
func (s *profilesScreen) reload(restore bool) {
	type result struct {
		items []storage.Profile
		sel   int64
	}
	var selectID int64
	if s.u.current != nil {
		selectID = s.u.current.ID
	}
	runAsync(s.u, func(ctx context.Context) (result, error) {
		ps, err := s.u.env.DB.Profiles(ctx)
		if err != nil {
			return result{}, err
		}
		r := result{items: ps, sel: selectID}
		if restore {
			if id, ok, err := s.u.env.DB.SelectedProfile(ctx); err == nil && ok {
				r.sel = id
			}
		}
		return r, nil
	}, func(r result, err error) {
		if err != nil {
			s.u.showError("Loading profiles failed", err)
			return
		}
		s.setItems(r.items, r.sel)
	})
}

func (s *profilesScreen) setItems(items []storage.Profile, selectID int64) {
	s.items = items
	if len(items) == 0 {
		s.stack.Objects = []fyne.CanvasObject{s.empty}
	} else {
		s.stack.Objects = []fyne.CanvasObject{s.list}
	}
	s.stack.Refresh()
	if selectID == 0 && len(items) > 0 && s.u.current == nil {
		// Nothing remembered yet: start on the first profile rather than
		// leaving every journey screen without one.
		selectID = items[0].ID
	}
	var cur *storage.Profile
	for i := range items {
		if items[i].ID == selectID {
			p := items[i]
			cur = &p
			s.selecting = true
			s.list.Select(i)
			s.selecting = false
		}
	}
	if cur == nil {
		s.list.UnselectAll()
	}
	s.list.Refresh()
	s.u.setCurrent(cur)
}

// use makes p the current profile and remembers it for the next start.
func (s *profilesScreen) use(p storage.Profile) {
	s.u.setCurrent(&p)
	s.status.SetText(fmt.Sprintf("Working on %q.", p.Name))
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.u.env.DB.SetSelectedProfile(ctx, p.ID)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.u.showError("Remembering the selected profile failed", err)
		}
	})
}

func (s *profilesScreen) newProfile() {
	s.dlg = showNameDialog(s.u.win, "New profile", "Create", "",
		"Name of the 1stream organisation, e.g. “Contoso MSP”", func(name string, finish func(error)) {
			runAsync(s.u, func(ctx context.Context) (storage.Profile, error) {
				return s.u.env.DB.CreateProfile(ctx, storage.Profile{Name: name})
			}, func(p storage.Profile, err error) {
				finish(err)
				if err == nil {
					s.status.SetText(fmt.Sprintf("Created %q. Next: the Checklist and Connection screens.", p.Name))
					s.afterChange(p.ID)
				}
			})
		})
}

func (s *profilesScreen) renameProfile() {
	cur := s.u.current
	if cur == nil {
		return
	}
	s.dlg = showNameDialog(s.u.win, "Rename profile", "Rename", cur.Name, "New name", func(name string, finish func(error)) {
		runAsync(s.u, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.u.env.DB.RenameProfile(ctx, cur.ID, name)
		}, func(_ struct{}, err error) {
			finish(err)
			if err == nil {
				s.status.SetText(fmt.Sprintf("Renamed %q to %q.", cur.Name, name))
				s.afterChange(cur.ID)
			}
		})
	})
}

func (s *profilesScreen) duplicateProfile() {
	cur := s.u.current
	if cur == nil {
		return
	}
	s.dlg = showNameDialog(s.u.win, "Duplicate profile", "Duplicate", cur.Name+" (copy)",
		"Copies the connection settings, checklist progress and Client Secret", func(name string, finish func(error)) {
			type result struct {
				p         storage.Profile
				secretErr error
			}
			runAsync(s.u, func(ctx context.Context) (result, error) {
				p, err := s.u.env.DB.DuplicateProfile(ctx, cur.ID, name)
				if err != nil {
					return result{}, err
				}
				return result{p: p, secretErr: copySecret(ctx, s.u.env, *cur, p)}, nil
			}, func(r result, err error) {
				finish(err)
				if err != nil {
					return
				}
				msg := fmt.Sprintf("Created %q as a copy of %q.", r.p.Name, cur.Name)
				if r.secretErr != nil {
					msg += " The Client Secret was not copied: " + r.secretErr.Error()
				}
				s.status.SetText(msg)
				s.afterChange(r.p.ID)
			})
		})
}

// copySecret copies a profile's Client Secret to another profile
// (storage's rule: only a bound one, with its authorisation server).
func copySecret(ctx context.Context, env *Env, from, to storage.Profile) error {
	return storage.CopySecret(ctx, env.DB, env.Secrets, from, to)
}

func (s *profilesScreen) deleteProfile() {
	cur := s.u.current
	if cur == nil {
		return
	}
	s.confirm = dialog.NewConfirm("Delete profile",
		fmt.Sprintf("Delete %q?\n\nThis removes its connection settings, checklist progress, users, mappings and history,\n"+
			"and its Client Secret from the system keyring. The audit log keeps a record. This cannot be undone.", cur.Name),
		func(ok bool) {
			if ok {
				s.doDelete(*cur, false)
			}
		}, s.u.win)
	s.confirm.SetConfirmText("Delete")
	s.confirm.SetConfirmImportance(widget.DangerImportance)
	s.confirm.Show()
}

// doDelete removes the profile's Client Secret from the keyring, then the
// profile (storage.DeleteProfileWithSecret, as `profile remove` does). When
// the keyring cannot remove it, nothing is deleted unless the admin agrees
// to leave the secret behind (force).
func (s *profilesScreen) doDelete(p storage.Profile, force bool) {
	runAsync(s.u, func(ctx context.Context) (secretErr, error) {
		keyErr, err := storage.DeleteProfileWithSecret(ctx, s.u.env.DB, s.u.env.Secrets, p, force)
		return secretErr{keyErr}, err
	}, func(se secretErr, err error) {
		switch {
		case err != nil:
			s.u.showError("Deleting the profile failed", err)
		case se.err != nil && force:
			s.u.env.Log.Warn("profile deleted; its Client Secret stays in the keyring", "profile", p.ID)
			s.deleted(p, true)
		case se.err != nil:
			s.askDeleteAnyway(p, se.err)
		default:
			s.deleted(p, false)
		}
	})
}

// secretErr is why the keyring kept a profile's Client Secret (nil: it
// was removed, or there was none).
type secretErr struct{ err error }

// askDeleteAnyway offers to delete p although the keyring kept its secret.
func (s *profilesScreen) askDeleteAnyway(p storage.Profile, err error) {
	s.u.env.Log.Warn("removing the Client Secret failed; the profile was kept", "profile", p.ID, "err", err)
	s.status.SetText(fmt.Sprintf("%q was not deleted: its Client Secret could not be removed from the system keyring.", p.Name))
	s.confirm = dialog.NewConfirm("Client Secret not removed",
		fmt.Sprintf("The Client Secret of %q could not be removed from the system keyring:\n%v\n\n"+
			"Nothing was deleted. Fix the keyring and delete again, or delete the profile anyway:\n"+
			"its Client Secret then stays in the keyring, where only the keyring's own tools can remove it.", p.Name, err),
		func(ok bool) {
			if ok {
				s.doDelete(p, true)
			}
		}, s.u.win)
	s.confirm.SetConfirmText("Delete anyway (the secret stays in the keyring)")
	s.confirm.SetConfirmImportance(widget.DangerImportance)
	s.confirm.Show()
	s.u.escapable(s.confirm.Dismiss)
}

// deleted shows that p is gone; secretKept says its secret stays in the
// keyring.
func (s *profilesScreen) deleted(p storage.Profile, secretKept bool) {
	msg := fmt.Sprintf("Deleted %q.", p.Name)
	if secretKept {
		msg += fmt.Sprintf(" Its Client Secret stays in the system keyring (account %d).", p.ID)
	}
	s.status.SetText(msg)
	s.u.current = nil
	s.afterChange(0)
}

func (s *profilesScreen) afterChange(selectID int64) {
	runAsync(s.u, func(ctx context.Context) ([]storage.Profile, error) {
		if selectID != 0 {
			if err := s.u.env.DB.SetSelectedProfile(ctx, selectID); err != nil {
				return nil, err
			}
		}
		return s.u.env.DB.Profiles(ctx)
	}, func(ps []storage.Profile, err error) {
		if err != nil {
			s.u.showError("Loading profiles failed", err)
			return
		}
		s.setItems(ps, selectID)
	})
}

// nameDialog asks for a profile name and keeps itself open, with the
// reason shown inline, while the name is refused.
type nameDialog struct {
	d      *dialog.CustomDialog
	entry  *escEntry
	errMsg *widget.Label
	ok     *widget.Button
}

func showNameDialog(w fyne.Window, title, confirm, initial, hint string, submit func(name string, finish func(error))) *nameDialog {
	nd := &nameDialog{entry: newEscEntry(), errMsg: widget.NewLabel("")}
	nd.entry.SetText(initial)
	nd.entry.SetPlaceHolder("Profile name")
	nd.errMsg.Importance = widget.DangerImportance
	nd.errMsg.Wrapping = fyne.TextWrapWord
	nd.errMsg.Hide()
	cancel := widget.NewButton("Cancel", nil)
	nd.ok = widget.NewButton(confirm, nil)
	nd.ok.Importance = widget.HighImportance
	doSubmit := func() {
		nd.ok.Disable()
		submit(nd.entry.Text, func(err error) {
			nd.ok.Enable()
			if err != nil {
				nd.errMsg.SetText(err.Error())
				nd.errMsg.Show()
				return
			}
			nd.d.Hide()
		})
	}
	nd.ok.OnTapped = doSubmit
	nd.entry.OnSubmitted = func(string) { doSubmit() }
	hintLabel := widget.NewLabel(hint)
	hintLabel.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(nd.entry, hintLabel, nd.errMsg)
	nd.d = dialog.NewCustomWithoutButtons(title, body, w)
	cancel.OnTapped = nd.d.Hide
	nd.entry.onEsc = nd.d.Hide
	nd.d.SetButtons([]fyne.CanvasObject{cancel, nd.ok})
	nd.d.Resize(fyne.NewSize(460, 220))
	nd.d.Show()
	w.Canvas().Focus(nd.entry)
	return nd
}
