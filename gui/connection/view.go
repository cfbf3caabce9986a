package connection

import (
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
)

// 1stream's "Connected Account and CRM Settings" fields, in the pop-up's order.
const (
	Platform   = "CRM Platform"
	Company    = "CRM Company"
	APIKey     = "API Key"
	PrivateKey = "API Private Key"
	Endpoint   = "Endpoint"
	Details    = "CRM Details link"
)

// OneStreamFields are 1stream's fields in the pop-up's order.
var OneStreamFields = []string{Platform, Company, APIKey, PrivateKey, Endpoint, Details}

// Labels are the form's names of the connection values: the screen's
// field labels, and how a refusal names its field.
var Labels = map[halo.ConnectionField]string{
	halo.FieldURL: "Halo URL", halo.FieldClientID: "Client ID", halo.FieldSecret: "Client Secret",
	halo.FieldTenant: "Tenant", halo.FieldAuthURL: "Authorisation server", halo.FieldScope: "Scope", halo.FieldCAFile: "CA file",
}

// Level is how a hint is coloured.
type Level int

// Hint levels.
const (
	Plain Level = iota
	Good
	Warn
	Bad
)

// Hint is a line under a field.
type Hint struct {
	Text  string
	Level Level
}

// Value is one of 1stream's values: as displayed, and what Copy copies
// ("" disables Copy).
type Value struct{ Shown, Copy string }

// View is everything the Connection screen shows, decided from the form
// and the model alone.
type View struct {
	URLHint, IDHint, SecretHint Hint
	AdvHint                     Hint // the Advanced fields' refusals (or where a relative CA file leads)
	SecretPlaceholder           string
	CanForget                   bool // "Remove stored secret"
	// Values are the saved profile's: what 1stream gets must be what the
	// stored secret is bound to, never an unsaved address beside it.
	Values     map[string]Value
	ValuesNote string // why they differ from the form, when they do
	// CopyStoredSecret: Copy reads the stored secret from the keyring;
	// only for a saved form whose secret still goes where it leads.
	CopyStoredSecret bool
	CanDetect        bool
	CanSave          bool // Save and Revert
}

// View decides what the screen shows for the form f. It does no I/O, so
// it runs on every keystroke.
func (m *Model) View(f Form) View {
	norm, fe := halo.ValidateConnectionAsTyped(f)
	if m.caFound == norm.CAFile {
		fe = append(fe, m.found...)
	}
	dirty := m.Dirty(f)
	v := View{URLHint: urlHint(f, norm, fe), IDHint: idHint(f, fe), SecretHint: m.secretHint(f, fe),
		AdvHint: advHint(f, norm, fe), SecretPlaceholder: "paste the Client Secret"}
	if m.secret.Stored && strings.TrimSpace(f.Secret) == "" {
		v.SecretPlaceholder, v.CanForget = "stored — type to replace", true
	}
	v.Values, v.CopyStoredSecret = m.values(dirty)
	if dirty {
		v.ValuesNote = "These are the saved values: Save (or Revert) your changes to update them."
	}
	v.CanDetect = len(fe.On(halo.FieldURL)) == 0
	v.CanSave = dirty && !m.saving
	return v
}

// messages joins the findings on field.
func messages(fe halo.FieldErrors, field halo.ConnectionField) string {
	var out []string
	for _, e := range fe.On(field) {
		out = append(out, e.Message)
	}
	return strings.Join(out, " ")
}

func urlHint(f, norm Form, fe halo.FieldErrors) Hint {
	switch {
	case strings.TrimSpace(f.URL) == "":
		return Hint{"Paste the address you use to open Halo.", Plain}
	case len(fe.On(halo.FieldURL)) > 0:
		return Hint{messages(fe, halo.FieldURL), Bad}
	}
	inst, _ := halo.ParseInstance(norm.URL)
	return Hint{"✓ " + inst.Base, Good}
}

func idHint(f Form, fe halo.FieldErrors) Hint {
	on := fe.On(halo.FieldClientID)
	switch {
	case strings.TrimSpace(f.ClientID) == "":
		return Hint{"From the Halo API application (checklist step 12).", Plain}
	case len(on.Refusals()) > 0:
		return Hint{messages(on.Refusals(), halo.FieldClientID), Bad}
	case len(on) > 0:
		return Hint{"⚠ " + messages(on, halo.FieldClientID), Warn}
	}
	return Hint{"✓ Looks like a Halo Client ID.", Good}
}

func (m *Model) secretHint(f Form, fe halo.FieldErrors) Hint {
	on := fe.On(halo.FieldSecret)
	typed := strings.TrimSpace(f.Secret) != ""
	place, demoNote := "the system keyring", ""
	if m.demo {
		place, demoNote = "memory", " Demo mode never uses the system keyring: secrets last until the app closes."
	}
	switch {
	case len(on.Refusals()) > 0:
		return Hint{messages(on, halo.FieldSecret), Bad}
	case len(on) > 0:
		return Hint{"⚠ " + messages(on, halo.FieldSecret), Warn}
	case typed && m.secret.Stored:
		return Hint{"Save replaces the stored Client Secret with this one.", Plain}
	case typed:
		return Hint{"Save stores it in " + place + "." + demoNote, Plain}
	case m.secret.Err != nil:
		return Hint{"The system keyring cannot be read: " + m.secret.Err.Error(), Bad}
	case m.secret.Stored && !m.secret.Bound && m.savedURLValid():
		return Hint{"A Client Secret is stored, but it was entered for another address, authorisation server or CA file, " +
			"so it is not sent (nor copied) for these settings: type it again and Save.", Warn}
	case m.secret.Stored:
		return Hint{"✓ A Client Secret is stored in " + place + " (not shown). Type a new one to replace it." + demoNote, Good}
	case !m.secret.Known:
		return Hint{"Looking in the system keyring …", Plain}
	}
	return Hint{"No Client Secret stored yet: paste it from Halo (shown only once, at step 12).", Warn}
}

func advHint(f, norm Form, fe halo.FieldErrors) Hint {
	var out []string
	for _, field := range []halo.ConnectionField{halo.FieldTenant, halo.FieldAuthURL, halo.FieldCAFile} {
		if msg := messages(fe.Refusals(), field); msg != "" {
			out = append(out, Labels[field]+": "+msg)
		}
	}
	if len(out) > 0 {
		return Hint{strings.Join(out, " "), Bad}
	}
	if typed := strings.TrimSpace(f.CAFile); typed != "" && typed != norm.CAFile {
		return Hint{"CA file: saved as " + norm.CAFile + " (a relative path is read from the folder the app was started in).", Warn}
	}
	return Hint{}
}

// savedURLValid reports a saved Halo URL: before there is one, a stored
// secret is bound to nothing yet, and that is no warning.
func (m *Model) savedURLValid() bool {
	_, err := halo.ParseInstance(m.saved.HaloURL)
	return err == nil
}

// values are 1stream's values of the saved profile, and whether Copy may
// take the stored secret: only with nothing unsaved and the secret still
// bound to where these values lead.
func (m *Model) values(dirty bool) (map[string]Value, bool) {
	p := m.saved
	norm, fe := halo.ValidateConnectionAsTyped(FormOf(p))
	vals := map[string]Value{Platform: {halo.CRMPlatform, halo.CRMPlatform}}
	company := p.Tenant
	if company == "" {
		company = m.detected
	}
	if company != "" {
		vals[Company] = Value{company, company}
	} else {
		vals[Company] = Value{"unknown — click Detect", ""}
	}
	switch {
	case p.ClientID == "":
		vals[APIKey] = Value{"save the Client ID", ""}
	case len(fe.On(halo.FieldClientID).Refusals()) > 0:
		// Never offered to 1stream (or Copy all): it may be the secret.
		vals[APIKey] = Value{"fix the Client ID first", ""}
	default:
		vals[APIKey] = Value{norm.ClientID, norm.ClientID}
	}
	inst, err := halo.ParseInstance(p.HaloURL)
	if err != nil {
		vals[Endpoint] = Value{"save a valid Halo URL", ""}
		vals[Details] = Value{"save a valid Halo URL", ""}
	} else {
		vals[Endpoint] = Value{inst.APIURL, inst.APIURL}
		vals[Details] = Value{inst.DetailsURL, inst.DetailsURL}
	}
	copyOK := false
	switch s := m.secret; {
	case !s.Known:
		vals[PrivateKey] = Value{"looking in the keyring …", ""}
	case s.Err != nil:
		vals[PrivateKey] = Value{"the keyring cannot be read", ""}
	case !s.Stored:
		vals[PrivateKey] = Value{"no Client Secret stored", ""}
	case !s.Bound && err == nil:
		vals[PrivateKey] = Value{"•••••••• (enter it again)", ""}
	case dirty || m.saving:
		vals[PrivateKey] = Value{"•••••••• (save first)", ""}
	default:
		vals[PrivateKey] = Value{"•••••••• (stored)", ""}
		copyOK = err == nil && s.Bound
	}
	return vals, copyOK
}
