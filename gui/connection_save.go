package gui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/gui/connection"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// save validates and stores the form; then (when non-nil) runs after a
// successful save. While a save runs, then waits for it (and for another
// save, if the form was edited meanwhile).
func (s *connectionScreen) save(then func()) {
	if s.profile == nil {
		return
	}
	if s.model.Saving() {
		if then != nil {
			s.afterSave = append(s.afterSave, then)
		}
		return
	}
	req, refused := s.model.PlanSave(s.typed())
	if len(refused) > 0 {
		s.setStatus(widget.DangerImportance, connection.Refusal(refused))
		s.refresh()
		return
	}
	s.refresh()
	s.setStatus(widget.MediumImportance, "Saving …")
	runAsync(s.u, s.model.Save(req), func(r connection.SaveResult, err error) {
		s.saved(req, r, err, then)
	})
}

// saved shows what became of a Save and runs what waited for it.
func (s *connectionScreen) saved(req connection.SaveRequest, r connection.SaveResult, err error, then func()) {
	waiting := s.afterSave
	s.afterSave = nil
	switch s.model.Finish(req, r, err, s.typed()) {
	case connection.Refused:
		var fe halo.FieldErrors
		errors.As(err, &fe)
		s.setStatus(widget.DangerImportance, connection.Refusal(fe))
		s.refresh()
		return
	case connection.NeedSecret:
		var moved *halo.DestinationChangedError
		errors.As(err, &moved)
		s.status.SetText("Not saved yet: the Client Secret is needed for the new address.")
		s.refresh()
		s.afterSave = waiting
		s.askSecretFor(moved, then)
		return
	case connection.Failed:
		s.setStatus(widget.DangerImportance, "Not saved: "+err.Error())
		s.refresh()
		return
	case connection.SavedForAnother:
		// Another profile is shown now: its form is not this save's, and
		// neither is leaving it.
		s.keepCurrent(r.Profile)
		s.u.profileSaved(r.Profile)
		return
	case connection.Saved:
		s.keepCurrent(r.Profile)
		s.setForm(r.Profile)
		s.status.SetText("Saved. Next: run the systems check, then copy the values into 1stream.")
	case connection.SavedButEdited:
		// The new edits stay for the next Save; only the secret just
		// stored leaves its field.
		s.keepCurrent(r.Profile)
		if sec := req.Secret(); sec != "" && s.typed().Secret == sec {
			s.clearSecret()
		}
		s.refresh()
		s.status.SetText("Saved. The changes made while saving are not saved yet.")
	}
	s.u.profileSaved(r.Profile)
	s.runWaiting(then, waiting)
}

// keepCurrent makes p the app's current profile when it is that one.
func (s *connectionScreen) keepCurrent(p storage.Profile) {
	if s.u.current != nil && s.u.current.ID == p.ID {
		s.u.current = &p
	}
}

// runWaiting runs what waited for a successful save: then first, then the
// continuations queued meanwhile, after saving what was typed meanwhile.
func (s *connectionScreen) runWaiting(then func(), waiting []func()) {
	if then != nil {
		waiting = append([]func(){then}, waiting...)
	}
	if len(waiting) == 0 {
		return
	}
	run := func() {
		for _, f := range waiting {
			f()
		}
	}
	if s.dirty() {
		s.save(run) // what was typed meanwhile, before leaving
		return
	}
	run()
}

// beforeLeave protects unsaved edits when switching screens.
func (s *connectionScreen) beforeLeave(proceed func()) {
	if !s.dirty() {
		proceed()
		return
	}
	s.leaveDlg = s.askUnsaved("Unsaved changes",
		"The Connection screen has changes that are not saved.", "Save", "Discard",
		func() { s.save(proceed) }, func() { s.revert(); proceed() })
}

// ensureSaved runs proceed once the saved settings are what the admin sees;
// with unsaved edits it asks first (the check uses the saved connection).
func (s *connectionScreen) ensureSaved(proceed func()) {
	if !s.dirty() {
		proceed()
		return
	}
	s.askDlg = s.askUnsaved("Save before the check?",
		"The check uses the saved connection, and the Connection screen has unsaved changes.",
		"Save and check", "Check the saved settings", func() { s.save(proceed) }, proceed)
}

// unsavedDialog asks what to do with unsaved edits.
type unsavedDialog struct {
	d               *dialog.CustomDialog
	yes, no, cancel *widget.Button
	title           string
	onYes, onNo     func()
	shown           bool
}

// askUnsaved asks what to do with the edits. While the same question is
// on screen, asking again (a second Ctrl+Q, the close button) only makes
// the newest request the one its buttons continue; another question
// replaces it.
func (s *connectionScreen) askUnsaved(title, msg, yes, no string, onYes, onNo func()) *unsavedDialog {
	if ud := s.unsaved; ud != nil && ud.shown {
		if ud.title == title {
			ud.onYes, ud.onNo = onYes, onNo
			return ud
		}
		ud.d.Hide()
	}
	ud := &unsavedDialog{title: title, onYes: onYes, onNo: onNo}
	ud.yes = widget.NewButton(yes, func() { ud.d.Hide(); ud.onYes() })
	ud.yes.Importance = widget.HighImportance
	ud.no = widget.NewButton(no, func() { ud.d.Hide(); ud.onNo() })
	ud.cancel = widget.NewButton("Cancel", func() { ud.d.Hide() })
	ud.d = dialog.NewCustomWithoutButtons(title, wrapped(msg), s.u.win)
	ud.d.SetButtons([]fyne.CanvasObject{ud.cancel, ud.no, ud.yes})
	ud.d.SetOnClosed(func() { ud.shown = false })
	ud.d.Resize(fyne.NewSize(560, 180))
	ud.shown = true
	ud.d.Show()
	s.u.escapable(ud.d.Hide)
	s.unsaved = ud
	return ud
}
