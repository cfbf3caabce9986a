package gui

import (
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
)

// connectionFacts is what the Connection screen knows beyond the form.
type connectionFacts struct {
	SecretStored bool  // the profile has a Client Secret in the keyring
	SecretErr    error // the keyring could not be read
	Detected     string
	Demo         bool
	Dirty        bool // the form differs from the saved profile
	Saving       bool
}

// hint is a line under a field, with its colour.
type hint struct {
	text string
	imp  widget.Importance
}

// shownValue is one of 1stream's values: as displayed, and what Copy copies
// ("" disables Copy).
type shownValue struct{ shown, copy string }

// connectionDecisions is everything the Connection screen shows, decided
// from the form and the facts alone, so it can be tested without widgets.
type connectionDecisions struct {
	URLHint, IDHint, SecretHint hint
	AdvHint                     string // refusals of the Advanced fields
	SecretPlaceholder           string
	CanForget                   bool // "Remove stored secret"
	Values                      map[string]shownValue
	CopyStoredSecret            bool // Copy reads the stored secret from the keyring
	CanDetect                   bool
	CanSave                     bool // Save and Revert
}

// connectionView decides what the Connection screen shows.
func connectionView(f connectionForm, c connectionFacts) connectionDecisions {
	inst, problems, warnings := validateConnection(f)
	byField := func(list []formProblem, field string) string {
		var out []string
		for _, p := range list {
			if p.field == field {
				out = append(out, p.msg)
			}
		}
		return strings.Join(out, " ")
	}
	place, demoNote := "the system keyring", ""
	if c.Demo {
		place, demoNote = "memory", " Demo mode never uses the system keyring: secrets last until the app closes."
	}
	var v connectionDecisions
	switch {
	case f.URL == "":
		v.URLHint = hint{"Paste the address you use to open Halo.", widget.MediumImportance}
	case byField(problems, "Halo URL") != "":
		v.URLHint = hint{byField(problems, "Halo URL"), widget.DangerImportance}
	default:
		v.URLHint = hint{"✓ " + inst.Base, widget.SuccessImportance}
	}
	switch {
	case f.ClientID == "":
		v.IDHint = hint{"From the Halo API application (checklist step 12).", widget.MediumImportance}
	case byField(problems, "Client ID") != "":
		v.IDHint = hint{byField(problems, "Client ID"), widget.DangerImportance}
	case byField(warnings, "Client ID") != "":
		v.IDHint = hint{"⚠ " + byField(warnings, "Client ID"), widget.WarningImportance}
	default:
		v.IDHint = hint{"✓ Looks like a Halo Client ID.", widget.SuccessImportance}
	}
	switch {
	case byField(problems, "Client Secret") != "":
		v.SecretHint = hint{byField(problems, "Client Secret"), widget.DangerImportance}
	case byField(warnings, "Client Secret") != "":
		v.SecretHint = hint{"⚠ " + byField(warnings, "Client Secret"), widget.WarningImportance}
	case f.Secret != "" && c.SecretStored:
		v.SecretHint = hint{"Save replaces the stored Client Secret with this one.", widget.MediumImportance}
	case f.Secret != "":
		v.SecretHint = hint{"Save stores it in " + place + "." + demoNote, widget.MediumImportance}
	case c.SecretErr != nil:
		v.SecretHint = hint{"The system keyring cannot be read: " + c.SecretErr.Error(), widget.DangerImportance}
	case c.SecretStored:
		v.SecretHint = hint{"✓ A Client Secret is stored in " + place + " (not shown). Type a new one to replace it." + demoNote,
			widget.SuccessImportance}
	default:
		v.SecretHint = hint{"No Client Secret stored yet: paste it from Halo (shown only once, at step 12).", widget.WarningImportance}
	}
	v.SecretPlaceholder = "paste the Client Secret"
	if c.SecretStored && f.Secret == "" {
		v.SecretPlaceholder, v.CanForget = "stored — type to replace", true
	}
	adv := []string{byField(problems, "Tenant"), byField(problems, "Authorisation server"), byField(problems, "CA file")}
	v.AdvHint = strings.TrimSpace(strings.Join(adv, " "))

	// Outputs: what 1stream's pop-up asks for, from the form as typed.
	v.Values = map[string]shownValue{fieldPlatform: {halo.CRMPlatform, halo.CRMPlatform}}
	company := f.Tenant
	if company == "" {
		company = c.Detected
	}
	if company != "" {
		v.Values[fieldCompany] = shownValue{company, company}
	} else {
		v.Values[fieldCompany] = shownValue{"unknown — click Detect", ""}
	}
	switch {
	case f.ClientID == "":
		v.Values[fieldAPIKey] = shownValue{"enter the Client ID", ""}
	case byField(problems, "Client ID") != "":
		// Never offered to 1stream (or Copy all): it may be the secret.
		v.Values[fieldAPIKey] = shownValue{"fix the Client ID first", ""}
	default:
		v.Values[fieldAPIKey] = shownValue{f.ClientID, f.ClientID}
	}
	switch {
	case f.Secret != "":
		v.Values[fieldPrivateKey] = shownValue{"•••••••• (save first)", ""}
	case c.SecretStored:
		v.Values[fieldPrivateKey] = shownValue{"•••••••• (stored)", ""}
		v.CopyStoredSecret = true
	default:
		v.Values[fieldPrivateKey] = shownValue{"no Client Secret stored", ""}
	}
	if byField(problems, "Halo URL") == "" {
		v.Values[fieldEndpoint] = shownValue{inst.APIURL, inst.APIURL}
		v.Values[fieldDetails] = shownValue{inst.DetailsURL, inst.DetailsURL}
		v.CanDetect = true
	} else {
		v.Values[fieldEndpoint] = shownValue{"enter a valid Halo URL", ""}
		v.Values[fieldDetails] = shownValue{"enter a valid Halo URL", ""}
	}
	v.CanSave = c.Dirty && !c.Saving
	return v
}
