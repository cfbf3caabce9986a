package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/gui/connection"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// connectionScreen prepares and verifies the values of 1stream's form. It
// draws the inputs (connectionFields) and 1stream's values
// (oneStreamPanel) as the model (connection.Model) decides, and runs the
// model's work off the UI goroutine.
type connectionScreen struct {
	u     *UI
	model *connection.Model
	*connectionFields
	*oneStreamPanel
	secretClipboard
	connectionDialogs
	saveBtn, revertBtn, checkBtn *widget.Button
	status                       *widget.Label
	profileView
	// afterSave are continuations (leave, quit, run the check) that asked
	// for a save while one was running: they run once it succeeded.
	afterSave []func()
}

// connectionDialogs are the Connection screen's questions on screen.
type connectionDialogs struct {
	leaveDlg, askDlg *unsavedDialog
	// unsaved is the unsaved-changes question on screen, if any: asking
	// again updates it instead of stacking another.
	unsaved   *unsavedDialog
	forgetDlg *dialog.ConfirmDialog
	// secretDlg asks for the Client Secret when a Save moves the
	// connection elsewhere.
	secretDlg *secretDialog
}

func newConnectionScreen(u *UI, clip clipboardClearing) *connectionScreen {
	s := &connectionScreen{u: u, model: connection.New(connection.Store{DB: u.env.DB, Secrets: u.env.Secrets}, u.env.Demo),
		secretClipboard: secretClipboard{clip: clip.withDefaults()}}
	s.connectionFields = newConnectionFields(s.refresh, s.browseCA, s.askForget)
	s.oneStreamPanel = newOneStreamPanel(s.copyField, s.detect, s.copyAll)
	s.saveBtn = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() { s.save(nil) })
	s.saveBtn.Importance = widget.HighImportance
	s.revertBtn = widget.NewButtonWithIcon("Revert", theme.ContentUndoIcon(), s.revert)
	s.checkBtn = widget.NewButtonWithIcon("Run systems check", theme.MediaPlayIcon(), u.runSystemsCheck)
	s.status = wrapped("")

	left := container.NewVBox(
		heading("Your Halo API application"),
		wrapped("Paste any Halo address — the browser URL, the /api/ or /auth address — and the Client ID and Secret from "+
			"checklist steps 12–13. The secret is kept in the system keyring only and is never shown again."),
		s.connectionFields.layout(),
		container.NewHBox(s.saveBtn, s.revertBtn, s.checkBtn),
		s.status,
	)
	split := container.NewGridWithColumns(2, container.NewPadded(left), container.NewPadded(s.oneStreamPanel.layout()))
	s.initProfileView(u, "The connection is saved per profile.", container.NewVScroll(split))
	s.refresh()
	return s
}

func (s *connectionScreen) title() string { return "Connection" }

func (s *connectionScreen) icon() fyne.Resource { return theme.LoginIcon() }

func (s *connectionScreen) profileChanged(p *storage.Profile) {
	if p != nil && s.profile != nil && p.ID == s.profile.ID && s.dirty() {
		// The same profile read again (after a save or a rename): the
		// edits not saved yet stay in the form.
		s.profile = p
		s.model.Reread(*p)
		s.refresh()
		return
	}
	s.setProfile(p)
	if p == nil {
		s.model.Show(storage.Profile{})
		return
	}
	if s.model.Saved().ID != p.ID {
		s.status.SetText("")
	}
	s.model.Show(*p)
	s.setForm(*p)
	s.load()
}

// load finds out, off the UI goroutine, whether a secret is stored (and
// still bound to the saved settings) and what the last check reported as
// CRM Company.
func (s *connectionScreen) load() {
	work := s.model.Loader()
	runAsync(s.u, func(ctx context.Context) (connection.Loaded, error) {
		return work(ctx), nil
	}, func(l connection.Loaded, _ error) {
		if s.model.Loaded(l) {
			s.refresh()
		}
	})
}

// checkFinished picks up the CRM Company the check found.
func (s *connectionScreen) checkFinished(profileID int64) {
	if s.showing(profileID) {
		s.model.CheckFinished()
		s.load()
	}
}

func (s *connectionScreen) setForm(p storage.Profile) {
	s.fill(p)
	s.refresh()
}

// dirty reports unsaved edits.
func (s *connectionScreen) dirty() bool { return s.model.Dirty(s.typed()) }

// refresh draws what the model decides from the form. It does no I/O, so
// it runs on every keystroke.
func (s *connectionScreen) refresh() {
	v := s.model.View(s.typed())
	s.connectionFields.show(v)
	s.oneStreamPanel.show(v, s.copySecret)
	enable(s.saveBtn, v.CanSave)
	enable(s.revertBtn, v.CanSave)
}

func (s *connectionScreen) setStatus(imp widget.Importance, text string) {
	s.status.Importance = imp
	s.status.SetText(text)
}

// detect asks the instance (/api/authinfo, no credentials) for its tenant.
func (s *connectionScreen) detect() {
	f := s.typed()
	p := s.model.DetectProfile(f)
	cfg := s.u.haloConfig(p, "")
	seq := s.loadSeq
	s.detectBtn.Disable()
	s.status.SetText("Asking " + strings.TrimSpace(f.URL) + " …")
	runAsync(s.u, func(ctx context.Context) (halo.AuthInfo, error) {
		c, err := halo.NewClient(cfg)
		if err != nil {
			return halo.AuthInfo{}, err
		}
		return c.Discover(ctx)
	}, func(ai halo.AuthInfo, err error) {
		if seq != s.loadSeq {
			// Another profile is shown now: the answer (and the tenant it
			// would fill in) belongs to the one Detect was asked for.
			s.refresh() // re-enables Detect when the URL allows it
			return
		}
		s.detectBtn.Enable()
		if err != nil {
			s.status.SetText("Detect failed: " + errMessage(err))
			return
		}
		s.status.SetText(s.detected(f, ai))
		s.refresh()
	})
}

// detected takes Detect's answer for the form f and says what it found.
func (s *connectionScreen) detected(f connection.Form, ai halo.AuthInfo) string {
	msg := "Halo's authorisation server is " + ai.AuthURL + "."
	if ai.Warning != "" {
		msg += " " + ai.Warning
	}
	if ai.TenantID == "" {
		return msg + " It reports no tenant (on-premise style): leave Tenant empty; 1stream's CRM Company is not needed by Halo here."
	}
	msg += " Tenant: " + ai.TenantID + "."
	s.model.SetDetected(f, ai.TenantID)
	if strings.TrimSpace(s.tenant.Text) == "" {
		s.tenant.SetText(ai.TenantID)
		msg += " Filled in as the tenant — Save to keep it."
	}
	return msg
}

func (s *connectionScreen) browseCA() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		s.caFile.SetText(r.URI().Path())
		r.Close()
	}, s.u.win)
	fd.Show()
}

func (s *connectionScreen) revert() {
	if s.profile == nil {
		return
	}
	s.setForm(s.model.Saved())
	s.status.SetText("Changes discarded.")
}

func (s *connectionScreen) askForget() {
	if s.profile == nil {
		return
	}
	name := s.profile.Name
	s.forgetDlg = dialog.NewConfirm("Remove stored secret",
		fmt.Sprintf("Remove the Client Secret of %q from the system keyring?\n\nThe check and 1stream's copy button need it again afterwards.", name),
		func(ok bool) {
			if ok {
				s.forget()
			}
		}, s.u.win)
	s.forgetDlg.SetConfirmText("Remove")
	s.forgetDlg.SetConfirmImportance(widget.DangerImportance)
	s.forgetDlg.Show()
	s.u.escapable(s.forgetDlg.Dismiss)
}

func (s *connectionScreen) forget() {
	gen, work := s.model.Forget()
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, work(ctx)
	}, func(_ struct{}, err error) {
		if err != nil {
			s.u.showError("Removing the Client Secret failed", err)
			return
		}
		if s.model.Forgotten(gen) {
			s.status.SetText("The Client Secret was removed from the keyring.")
			s.refresh()
		}
	})
}

// errMessage is an error's user-facing message (halo.Error's Message).
func errMessage(err error) string {
	var he *halo.Error
	if errors.As(err, &he) && he.Message != "" {
		return he.Message
	}
	return err.Error()
}
