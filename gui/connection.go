package gui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// 1stream's "Connected Account and CRM Settings" fields, in the pop-up's order.
const (
	fieldPlatform   = "CRM Platform"
	fieldCompany    = "CRM Company"
	fieldAPIKey     = "API Key"
	fieldPrivateKey = "API Private Key"
	fieldEndpoint   = "Endpoint"
	fieldDetails    = "CRM Details link"
)

var oneStreamFields = []string{fieldPlatform, fieldCompany, fieldAPIKey, fieldPrivateKey, fieldEndpoint, fieldDetails}

// connectionForm is what the admin typed, trimmed.
type connectionForm struct {
	URL, ClientID, Secret, Tenant, AuthURL, Scope, CAFile string
}

// formProblem is one reason Save is refused.
type formProblem struct{ field, msg string }

// validateConnection checks the form without any I/O. It returns the
// canonical instance when the URL is valid, refusals, and warnings that do
// not block saving.
func validateConnection(f connectionForm) (inst halo.Instance, problems []formProblem, warnings []formProblem) {
	inst, err := halo.ParseInstance(f.URL)
	if err != nil {
		problems = append(problems, formProblem{"Halo URL", errMessage(err)})
	}
	idErr := halo.ValidateClientID(f.ClientID)
	switch {
	case f.ClientID == "":
		problems = append(problems, formProblem{"Client ID", "Enter the Client ID of the Halo API application (checklist step 13)."})
	case idErr != nil:
		// A secret saved as the ID would reach the database, history,
		// reports and the clipboard: refused, not warned about.
		problems = append(problems, formProblem{"Client ID", errMessage(idErr)})
	case !halo.LooksLikeGUID(f.ClientID):
		warnings = append(warnings, formProblem{"Client ID", "Halo's Client IDs usually look like 0f8fad5b-d9cb-469f-a165-70867728950e: check it was copied whole."})
	}
	if strings.ContainsAny(f.ClientID, " \t") {
		problems = append(problems, formProblem{"Client ID", "The Client ID must not contain spaces."})
	}
	if f.Secret != "" {
		switch {
		case strings.ContainsAny(f.Secret, " \t\r\n"):
			problems = append(problems, formProblem{"Client Secret", "The Client Secret must not contain spaces or line breaks: paste only the secret."})
		case !halo.LooksLikeClientSecret(f.Secret) && !halo.LooksLikeGUID(f.Secret):
			warnings = append(warnings, formProblem{"Client Secret", "Halo's Client Secrets usually are two GUIDs joined by a hyphen: check it was copied whole."})
		}
	}
	if f.AuthURL != "" {
		if _, err := halo.ParseAuthURL(f.AuthURL); err != nil {
			// halo's reason (plain http, no host, …) and what to enter instead.
			problems = append(problems, formProblem{"Authorisation server", errMessage(err) + " Enter the authorisation server from " +
				"Halo's API Details, e.g. https://yourcompany.halopsa.com/auth, or leave it empty."})
		}
	}
	if f.CAFile != "" && !filepath.IsAbs(f.CAFile) {
		problems = append(problems, formProblem{"CA file", "Enter the full path of the CA file (a PEM file), or choose it with the folder button."})
	}
	if strings.ContainsAny(f.Tenant, " /\\") {
		problems = append(problems, formProblem{"Tenant", "The tenant is a single word such as “yourcompany” (from Halo's API Details); leave it empty for on-premise Halo."})
	}
	return inst, problems, warnings
}

// errMessage is an error's user-facing message (halo.Error's Message).
func errMessage(err error) string {
	var he *halo.Error
	if errors.As(err, &he) && he.Message != "" {
		return he.Message
	}
	return err.Error()
}

// connectionScreen prepares and verifies the values of 1stream's form.
type connectionScreen struct {
	u *UI

	urlEntry, clientID, secret       *widget.Entry
	tenant, authURL, scope, caFile   *widget.Entry
	urlHint, idHint, secretHint      *widget.Label
	advHint                          *widget.Label
	caBrowse                         *widget.Button
	advanced                         *widget.Accordion
	saveBtn, revertBtn, checkBtn     *widget.Button
	detectBtn, forgetBtn, copyAllBtn *widget.Button
	status                           *widget.Label
	values                           map[string]*valueField
	copyBtns                         map[string]*widget.Button
	leaveDlg, askDlg                 *unsavedDialog
	forgetDlg                        *dialog.ConfirmDialog
	profileView
	saved        storage.Profile
	secretStored bool
	secretErr    error
	detected     string // CRM Company from Detect or the last check
	loading      bool
	saving       bool
	// afterSave are continuations (leave, quit, run the check) that asked
	// for a save while one was running: they run once it succeeded.
	afterSave []func()
	// unsaved is the unsaved-changes question on screen, if any: asking
	// again updates it instead of stacking another.
	unsaved *unsavedDialog
	// secretDlg asks for the Client Secret when a Save moves the
	// connection elsewhere; saveUnbound is the admin's answer "save
	// without it" for the next Save.
	secretDlg   *secretDialog
	saveUnbound bool
	// clip clears a copied secret from the clipboard; clipSecret is the
	// secret last copied (until cleared), clipSeq tells a stale timer from
	// the current one, and clipStop cancels the current one.
	clip       clipboardClearing
	clipSecret string
	clipSeq    int
	clipStop   func() bool
}

func newConnectionScreen(u *UI, clip clipboardClearing) *connectionScreen {
	s := &connectionScreen{u: u, values: map[string]*valueField{}, copyBtns: map[string]*widget.Button{}, clip: clip.withDefaults()}
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) { s.changed() }
		return e
	}
	s.urlEntry = entry("https://yourcompany.halopsa.com")
	s.clientID = entry("e.g. 0f8fad5b-d9cb-469f-a165-70867728950e")
	s.secret = widget.NewPasswordEntry()
	s.secret.OnChanged = func(string) { s.changed() }
	s.tenant = entry("hosted Halo: from API Details; empty for on-premise")
	s.authURL = entry("only if API Details shows a different one")
	s.scope = entry(halo.DefaultScope)
	s.caFile = entry("PEM file, only for a private certificate authority")
	s.urlHint, s.idHint, s.secretHint, s.advHint = wrapped(""), wrapped(""), wrapped(""), wrapped("")
	s.caBrowse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), s.browseCA)

	s.saveBtn = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() { s.save(nil) })
	s.saveBtn.Importance = widget.HighImportance
	s.revertBtn = widget.NewButtonWithIcon("Revert", theme.ContentUndoIcon(), s.revert)
	s.checkBtn = widget.NewButtonWithIcon("Run systems check", theme.MediaPlayIcon(), u.runSystemsCheck)
	s.forgetBtn = widget.NewButtonWithIcon("Remove stored secret…", theme.DeleteIcon(), s.askForget)
	s.detectBtn = widget.NewButtonWithIcon("Detect", theme.SearchIcon(), s.detect)
	s.status = wrapped("")

	form := widget.NewForm(
		widget.NewFormItem("Halo URL", container.NewVBox(s.urlEntry, s.urlHint)),
		widget.NewFormItem("Client ID", container.NewVBox(s.clientID, s.idHint)),
		widget.NewFormItem("Client Secret", container.NewVBox(s.secret, s.secretHint, container.NewHBox(s.forgetBtn))),
	)
	adv := widget.NewForm(
		widget.NewFormItem("Tenant", s.tenant),
		widget.NewFormItem("Auth server", s.authURL),
		widget.NewFormItem("Scope", s.scope),
		widget.NewFormItem("CA file", container.NewBorder(nil, nil, nil, s.caBrowse, s.caFile)),
	)
	s.advanced = widget.NewAccordion(widget.NewAccordionItem("Advanced: tenant, authorisation server, scope, CA file",
		container.NewVBox(wrapped("Only needed when Halo's API Details (Configuration > Integrations > HaloPSA API) show values "+
			"other than the defaults, e.g. on-premise or trial instances."), adv, s.advHint)))
	left := container.NewVBox(
		heading("Your Halo API application"),
		wrapped("Paste any Halo address — the browser URL, the /api/ or /auth address — and the Client ID and Secret from "+
			"checklist steps 12–13. The secret is kept in the system keyring only and is never shown again."),
		form, s.advanced,
		container.NewHBox(s.saveBtn, s.revertBtn, s.checkBtn),
		s.status,
	)

	outForm := widget.NewForm()
	for _, f := range oneStreamFields {
		f := f
		v := newValueField()
		s.values[f] = v
		cp := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { s.copyField(f) })
		s.copyBtns[f] = cp
		right := fyne.CanvasObject(cp)
		if f == fieldCompany {
			right = container.NewHBox(s.detectBtn, cp)
		}
		outForm.Append(f, container.NewBorder(nil, nil, nil, right, v))
	}
	s.copyAllBtn = widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), s.copyAll)
	rightCol := container.NewVBox(
		heading("1stream: Connected Account and CRM Settings"),
		wrapped("Administration > Manage Organization > Connected Account and CRM Settings > green + (checklist steps 4–11). "+
			"Copy each value into the field of the same name. Focus a value and press Ctrl+C, or use its button."),
		outForm,
		container.NewHBox(s.copyAllBtn),
	)
	split := container.NewGridWithColumns(2, container.NewPadded(left), container.NewPadded(rightCol))
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
		s.profile, s.saved = p, *p
		s.refresh()
		return
	}
	s.setProfile(p)
	if p == nil {
		return
	}
	if s.saved.ID != p.ID {
		s.status.SetText("")
	}
	s.saved = *p
	s.setForm(*p)
	s.secretStored, s.secretErr, s.detected = false, nil, ""
	s.secretHint.SetText("Looking in the system keyring …")
	s.load()
}

// load finds out, off the UI goroutine, whether a secret is stored and what
// the last check reported as CRM Company. The secret itself is dropped.
func (s *connectionScreen) load() {
	type result struct {
		stored   bool
		keyErr   error
		detected string
	}
	id, seq := s.profile.ID, s.loadSeq
	runAsync(s.u, func(ctx context.Context) (result, error) {
		var r result
		_, err := s.u.env.Secrets.Get(ctx, id)
		switch {
		case err == nil:
			r.stored = true
		case !errors.Is(err, storage.ErrSecretNotFound):
			r.keyErr = err
		}
		if run, ok, err := s.u.env.DB.LatestRun(ctx, id, storage.RunCheck); err == nil && ok {
			var rep halo.Report
			if json.Unmarshal(run.Report, &rep) == nil {
				r.detected = rep.OneStream.CRMCompany
			}
		}
		return r, nil
	}, func(r result, _ error) {
		if seq != s.loadSeq {
			return
		}
		s.secretStored, s.secretErr = r.stored, r.keyErr
		if s.detected == "" {
			s.detected = r.detected
		}
		s.refresh()
	})
}

// checkFinished picks up the CRM Company the check found.
func (s *connectionScreen) checkFinished(profileID int64) {
	if s.profile != nil && s.profile.ID == profileID {
		s.detected = ""
		s.load()
	}
}

func (s *connectionScreen) setForm(p storage.Profile) {
	s.loading = true
	s.urlEntry.SetText(p.HaloURL)
	s.clientID.SetText(p.ClientID)
	s.secret.SetText("")
	s.tenant.SetText(p.Tenant)
	s.authURL.SetText(p.AuthURL)
	s.scope.SetText(p.Scope)
	s.caFile.SetText(p.CAFile)
	s.loading = false
	if p.Tenant != "" || p.AuthURL != "" || p.Scope != "" || p.CAFile != "" {
		s.advanced.Open(0)
	} else {
		s.advanced.Close(0)
	}
	s.refresh()
}

func (s *connectionScreen) form() connectionForm {
	return connectionForm{
		URL: strings.TrimSpace(s.urlEntry.Text), ClientID: strings.TrimSpace(s.clientID.Text),
		Secret: strings.TrimSpace(s.secret.Text), Tenant: strings.TrimSpace(s.tenant.Text),
		AuthURL: strings.TrimSpace(s.authURL.Text), Scope: strings.TrimSpace(s.scope.Text),
		CAFile: strings.TrimSpace(s.caFile.Text),
	}
}

// dirty reports unsaved edits.
func (s *connectionScreen) dirty() bool {
	if s.profile == nil {
		return false
	}
	f := s.form()
	return f.Secret != "" || f.URL != s.saved.HaloURL || f.ClientID != s.saved.ClientID || f.Tenant != s.saved.Tenant ||
		f.AuthURL != s.saved.AuthURL || f.Scope != s.saved.Scope || f.CAFile != s.saved.CAFile
}

func (s *connectionScreen) changed() {
	if s.loading {
		return
	}
	s.refresh()
}

// refresh re-validates and re-derives everything shown from the form
// (connectionView) and draws it. It does no I/O, so it runs on every
// keystroke.
func (s *connectionScreen) refresh() {
	v := connectionView(s.form(), connectionFacts{SecretStored: s.secretStored, SecretErr: s.secretErr,
		Detected: s.detected, Demo: s.u.env.Demo, Dirty: s.dirty(), Saving: s.saving})
	setHint(s.urlHint, v.URLHint.text, v.URLHint.imp)
	setHint(s.idHint, v.IDHint.text, v.IDHint.imp)
	setHint(s.secretHint, v.SecretHint.text, v.SecretHint.imp)
	s.secret.SetPlaceHolder(v.SecretPlaceholder)
	show(s.forgetBtn, v.CanForget)
	setHint(s.advHint, v.AdvHint, widget.DangerImportance)
	if v.AdvHint != "" {
		s.advanced.Open(0)
	}
	for _, field := range oneStreamFields {
		s.setValue(field, v.Values[field].shown, v.Values[field].copy)
	}
	if v.CopyStoredSecret {
		s.copyBtns[fieldPrivateKey].Enable()
	}
	enable(s.detectBtn, v.CanDetect)
	enable(s.saveBtn, v.CanSave)
	enable(s.revertBtn, v.CanSave)
}

func setHint(l *widget.Label, text string, imp widget.Importance) {
	l.Importance = imp
	setOptional(l, text)
	l.Refresh()
}

// setValue shows a value; copy is what Ctrl+C or the copy button copies
// ("" disables copying).
func (s *connectionScreen) setValue(field, display, copyText string) {
	v := s.values[field]
	if field == fieldPrivateKey {
		v.onCopy = nil
		if s.secretStored && s.secret.Text == "" {
			v.onCopy = s.copySecret
		}
	}
	v.set(display, copyText)
	if copyText == "" {
		s.copyBtns[field].Disable()
	} else {
		s.copyBtns[field].Enable()
	}
}

// detect asks the instance (/api/authinfo, no credentials) for its tenant.
func (s *connectionScreen) detect() {
	f := s.form()
	p := storage.Profile{HaloURL: f.URL, AuthURL: f.AuthURL, CAFile: f.CAFile, Scope: f.Scope}
	cfg := s.u.haloConfig(p, "")
	seq := s.loadSeq
	s.detectBtn.Disable()
	s.status.SetText("Asking " + f.URL + " …")
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
		msg := "Halo's authorisation server is " + ai.AuthURL + "."
		if ai.Warning != "" {
			msg += " " + ai.Warning
		}
		if ai.TenantID == "" {
			msg += " It reports no tenant (on-premise style): leave Tenant empty; 1stream's CRM Company is not needed by Halo here."
		} else {
			msg += " Tenant: " + ai.TenantID + "."
			s.detected = ai.TenantID
			if strings.TrimSpace(s.tenant.Text) == "" {
				s.tenant.SetText(ai.TenantID)
				msg += " Filled in as the tenant — Save to keep it."
			}
		}
		s.status.SetText(msg)
		s.refresh()
	})
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
	s.setForm(s.saved)
	s.status.SetText("Changes discarded.")
}

// save validates and stores the form; then (when non-nil) runs after a
// successful save. While a save runs, then waits for it (and for another
// save, if the form was edited meanwhile).
func (s *connectionScreen) save(then func()) {
	if s.profile == nil {
		return
	}
	if s.saving {
		if then != nil {
			s.afterSave = append(s.afterSave, then)
		}
		return
	}
	f := s.form()
	inst, problems, _ := validateConnection(f)
	if len(problems) > 0 {
		msgs := make([]string, 0, len(problems))
		for _, p := range problems {
			msgs = append(msgs, p.field+": "+p.msg)
		}
		s.status.Importance = widget.DangerImportance
		s.status.SetText("Not saved. " + strings.Join(msgs, " "))
		return
	}
	s.status.Importance = widget.MediumImportance
	p := *s.profile
	p.HaloURL, p.ClientID, p.Tenant, p.AuthURL, p.Scope, p.CAFile = inst.Stored(), f.ClientID, f.Tenant, f.AuthURL, f.Scope, f.CAFile
	secret := f.Secret
	unbound := s.saveUnbound
	s.saveUnbound = false
	old := *s.profile
	s.saving = true
	s.refresh()
	s.status.SetText("Saving …")
	runAsync(s.u, func(ctx context.Context) (storage.Profile, error) {
		if err := halo.CheckCAFile(p.CAFile); err != nil {
			return p, err
		}
		if secret == "" && !unbound {
			if err := secretMustFollow(ctx, s.u.env.DB, old, p); err != nil {
				return p, err
			}
		}
		if secret != "" {
			applog.AddSecret(secret)
			if err := storage.StoreSecret(ctx, s.u.env.DB, s.u.env.Secrets, p, secret, ""); err != nil {
				return p, fmt.Errorf("storing the Client Secret in the system keyring failed, so the connection settings were not saved either: %w", err)
			}
		}
		if err := s.u.env.DB.UpdateConnection(ctx, p); err != nil {
			return p, err
		}
		return s.u.env.DB.Profile(ctx, p.ID)
	}, func(saved storage.Profile, err error) {
		s.saving = false
		waiting := s.afterSave
		s.afterSave = nil
		var need *needSecretError
		if errors.As(err, &need) {
			s.status.SetText("Not saved yet: the Client Secret is needed for the new address.")
			s.refresh()
			s.afterSave = waiting
			s.askSecretFor(need, then)
			return
		}
		if err != nil {
			s.status.Importance = widget.DangerImportance
			s.status.SetText("Not saved: " + err.Error())
			s.refresh()
			return
		}
		if s.u.current != nil && s.u.current.ID == saved.ID {
			s.u.current = &saved
		}
		if s.profile == nil || s.profile.ID != saved.ID {
			// Another profile is shown now: its form is not this save's,
			// and neither is leaving it.
			s.u.profileSaved(saved)
			return
		}
		if secret != "" {
			s.secretStored, s.secretErr = true, nil
		}
		s.saved = saved
		if s.form() == f {
			s.setForm(saved)
			s.status.SetText("Saved. Next: run the systems check, then copy the values into 1stream.")
		} else {
			// Edited while saving: the new edits stay for the next Save;
			// only the secret just stored leaves its field.
			if secret != "" && strings.TrimSpace(s.secret.Text) == secret {
				s.loading = true
				s.secret.SetText("")
				s.loading = false
			}
			s.refresh()
			s.status.SetText("Saved. The changes made while saving are not saved yet.")
		}
		s.u.profileSaved(saved)
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
	})
}

func (s *connectionScreen) askForget() {
	if s.profile == nil {
		return
	}
	p := *s.profile
	s.forgetDlg = dialog.NewConfirm("Remove stored secret",
		fmt.Sprintf("Remove the Client Secret of %q from the system keyring?\n\nThe check and 1stream's copy button need it again afterwards.", p.Name),
		func(ok bool) {
			if !ok {
				return
			}
			runAsync(s.u, func(ctx context.Context) (struct{}, error) {
				if err := s.u.env.Secrets.Delete(ctx, p.ID); err != nil && !errors.Is(err, storage.ErrSecretNotFound) {
					return struct{}{}, err
				}
				return struct{}{}, s.u.env.DB.AppendAudit(ctx, storage.AuditEvent{ProfileID: p.ID, Action: storage.ActionSecretRemoved,
					Detail: "Client Secret removed from the system keyring"})
			}, func(_ struct{}, err error) {
				if err != nil {
					s.u.showError("Removing the Client Secret failed", err)
					return
				}
				if s.profile != nil && s.profile.ID == p.ID {
					s.secretStored = false
					s.status.SetText("The Client Secret was removed from the keyring.")
					s.refresh()
				}
			})
		}, s.u.win)
	s.forgetDlg.SetConfirmText("Remove")
	s.forgetDlg.SetConfirmImportance(widget.DangerImportance)
	s.forgetDlg.Show()
	s.u.escapable(s.forgetDlg.Dismiss)
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
