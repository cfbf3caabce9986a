package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/gui/connection"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// connectionFields are the Connection screen's inputs: the connection
// values, the hint under each, the Advanced section and the button that
// removes the stored secret.
type connectionFields struct {
	urlEntry, clientID, secret     *widget.Entry
	tenant, authURL, scope, caFile *widget.Entry
	urlHint, idHint, secretHint    *widget.Label
	advHint                        *widget.Label
	caBrowse                       *widget.Button
	advanced                       *widget.Accordion
	forgetBtn                      *widget.Button
	// quiet is set while the form is filled in from a profile: those
	// changes are no edits.
	quiet bool
}

// newConnectionFields builds the inputs; changed runs on every edit,
// browse and forget on their buttons.
func newConnectionFields(changed, browse, forget func()) *connectionFields {
	f := &connectionFields{}
	entry := func(e *widget.Entry, placeholder string) *widget.Entry {
		e.SetPlaceHolder(placeholder)
		e.OnChanged = func(string) {
			if !f.quiet {
				changed()
			}
		}
		return e
	}
	f.urlEntry = entry(widget.NewEntry(), "https://yourcompany.halopsa.com")
	f.clientID = entry(widget.NewEntry(), "e.g. 0f8fad5b-d9cb-469f-a165-70867728950e")
	f.secret = entry(widget.NewPasswordEntry(), "")
	f.tenant = entry(widget.NewEntry(), "hosted Halo: from API Details; empty for on-premise")
	f.authURL = entry(widget.NewEntry(), "only if API Details shows a different one")
	f.scope = entry(widget.NewEntry(), halo.DefaultScope)
	f.caFile = entry(widget.NewEntry(), "PEM file, only for a private certificate authority")
	f.urlHint, f.idHint, f.secretHint, f.advHint = wrapped(""), wrapped(""), wrapped(""), wrapped("")
	f.caBrowse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), browse)
	f.forgetBtn = widget.NewButtonWithIcon("Remove stored secret…", theme.DeleteIcon(), forget)
	return f
}

// layout is the form: the three main values, then Advanced.
func (f *connectionFields) layout() fyne.CanvasObject {
	label := func(field halo.ConnectionField) string { return connection.Labels[field] }
	form := widget.NewForm(
		widget.NewFormItem(label(halo.FieldURL), container.NewVBox(f.urlEntry, f.urlHint)),
		widget.NewFormItem(label(halo.FieldClientID), container.NewVBox(f.clientID, f.idHint)),
		widget.NewFormItem(label(halo.FieldSecret), container.NewVBox(f.secret, f.secretHint, container.NewHBox(f.forgetBtn))),
	)
	adv := widget.NewForm(
		widget.NewFormItem(label(halo.FieldTenant), f.tenant),
		widget.NewFormItem("Auth server", f.authURL),
		widget.NewFormItem(label(halo.FieldScope), f.scope),
		widget.NewFormItem(label(halo.FieldCAFile), container.NewBorder(nil, nil, nil, f.caBrowse, f.caFile)),
	)
	f.advanced = widget.NewAccordion(widget.NewAccordionItem("Advanced: tenant, authorisation server, scope, CA file",
		container.NewVBox(wrapped("Only needed when Halo's API Details (Configuration > Integrations > HaloPSA API) show values "+
			"other than the defaults, e.g. on-premise or trial instances."), adv, f.advHint)))
	return container.NewVBox(form, f.advanced)
}

// typed is the form as typed.
func (f *connectionFields) typed() connection.Form {
	return connection.Form{URL: f.urlEntry.Text, ClientID: f.clientID.Text, Secret: f.secret.Text, Tenant: f.tenant.Text,
		AuthURL: f.authURL.Text, Scope: f.scope.Text, CAFile: f.caFile.Text}
}

// fill shows p's saved values (and no secret), with Advanced open when it
// holds any.
func (f *connectionFields) fill(p storage.Profile) {
	f.quiet = true
	v := connection.FormOf(p)
	for e, text := range map[*widget.Entry]string{f.urlEntry: v.URL, f.clientID: v.ClientID, f.secret: "", f.tenant: v.Tenant,
		f.authURL: v.AuthURL, f.scope: v.Scope, f.caFile: v.CAFile} {
		e.SetText(text)
	}
	f.quiet = false
	if v.Tenant != "" || v.AuthURL != "" || v.Scope != "" || v.CAFile != "" {
		f.advanced.Open(0)
	} else {
		f.advanced.Close(0)
	}
}

// clearSecret empties the secret's entry without counting it as an edit.
func (f *connectionFields) clearSecret() {
	f.quiet = true
	f.secret.SetText("")
	f.quiet = false
}

// show draws the hints the model decided.
func (f *connectionFields) show(v connection.View) {
	setHint(f.urlHint, v.URLHint)
	setHint(f.idHint, v.IDHint)
	setHint(f.secretHint, v.SecretHint)
	setHint(f.advHint, v.AdvHint)
	f.secret.SetPlaceHolder(v.SecretPlaceholder)
	show(f.forgetBtn, v.CanForget)
	if v.AdvHint.Level == connection.Bad {
		f.advanced.Open(0)
	}
}

// importance is a hint level's colour.
func importance(l connection.Level) widget.Importance {
	return map[connection.Level]widget.Importance{connection.Plain: widget.MediumImportance, connection.Good: widget.SuccessImportance,
		connection.Warn: widget.WarningImportance, connection.Bad: widget.DangerImportance}[l]
}

func setHint(l *widget.Label, h connection.Hint) {
	l.Importance = importance(h.Level)
	setOptional(l, h.Text)
	l.Refresh()
}
