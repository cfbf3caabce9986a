package halo

import (
	"errors"
	"path/filepath"
	"strings"
)

// ConnectionField names one connection value, for errors shown next to
// the field (the Connection screen) or its flag (the CLI).
type ConnectionField string

// The connection values, as the CLI's --json and tests name them.
const (
	FieldURL      ConnectionField = "url"
	FieldClientID ConnectionField = "client_id"
	FieldSecret   ConnectionField = "client_secret"
	FieldTenant   ConnectionField = "tenant"
	FieldAuthURL  ConnectionField = "auth_url"
	FieldScope    ConnectionField = "scope"
	FieldCAFile   ConnectionField = "ca_file"
)

// ConnectionValues are a connection as the admin gave it: typed into the
// Connection screen or passed as flags. Empty means "not given".
type ConnectionValues struct {
	URL, ClientID, Secret, Tenant, AuthURL, Scope, CAFile string
}

// FieldError is one finding about one value. A Warning does not block
// saving; anything else does.
type FieldError struct {
	Field   ConnectionField
	Message string
	Warning bool
}

// FieldErrors are the findings of ValidateConnection, in field order.
type FieldErrors []FieldError

// Error joins the messages; it makes the refusals usable as an error.
func (fe FieldErrors) Error() string {
	msgs := make([]string, 0, len(fe))
	for _, e := range fe {
		msgs = append(msgs, e.Message)
	}
	return strings.Join(msgs, " ")
}

// Refusals are the findings that block saving.
func (fe FieldErrors) Refusals() FieldErrors {
	return fe.filter(func(e FieldError) bool { return !e.Warning })
}

// Warnings are the findings that do not block saving.
func (fe FieldErrors) Warnings() FieldErrors {
	return fe.filter(func(e FieldError) bool { return e.Warning })
}

// On are the findings about field.
func (fe FieldErrors) On(field ConnectionField) FieldErrors {
	return fe.filter(func(e FieldError) bool { return e.Field == field })
}

// Err is the refusals as an error, nil when there are none.
func (fe FieldErrors) Err() error {
	if r := fe.Refusals(); len(r) > 0 {
		return r
	}
	return nil
}

func (fe FieldErrors) filter(keep func(FieldError) bool) FieldErrors {
	var out FieldErrors
	for _, e := range fe {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// The messages of the rules only this validator applies.
const (
	msgNoClientID      = "Enter the Client ID of the Halo API application (checklist step 13)."
	msgClientIDSpaces  = "The Client ID must not contain spaces."
	msgClientIDNotGUID = "Halo's Client IDs usually look like 0f8fad5b-d9cb-469f-a165-70867728950e: check it was copied whole."
	msgSecretSpaces    = "The Client Secret must not contain spaces or line breaks: paste only the secret."
	msgSecretShape     = "Halo's Client Secrets usually are two GUIDs joined by a hyphen: check it was copied whole."
	msgTenant          = "The tenant is a single word such as “yourcompany” (from Halo's API Details); leave it empty for on-premise Halo."
	msgAuthURLFix      = " Enter the authorisation server from Halo's API Details, e.g. https://yourcompany.halopsa.com/auth, or leave it empty."
)

// ValidateConnection applies every rule for connection values, the one
// home of them for the Connection screen, `profile add/set` and the ad-hoc
// `check --url`: a URL and Client ID are needed (the CLI, which may leave
// them for later, reports only on the values it was given); the Client ID
// holds no space and nothing shaped like a Client Secret; the secret holds
// no space or line break; the tenant is one word; the authorisation
// server parses by the URL's rules; the CA file is a readable PEM
// certificate. It reads the CA file; ValidateConnectionAsTyped does not.
//
// It returns the values as they are stored: trimmed, the URL in its
// canonical form, the CA file as an absolute path (read from the working
// directory, as every command-line tool does; the Connection screen shows
// the full path it became).
func ValidateConnection(v ConnectionValues) (ConnectionValues, FieldErrors) {
	out, fe := ValidateConnectionAsTyped(v)
	if out.CAFile != "" && len(fe.On(FieldCAFile)) == 0 {
		if err := CheckCAFile(out.CAFile); err != nil {
			fe = append(fe, FieldError{Field: FieldCAFile, Message: sentence(err.Error())})
		}
	}
	return out, fe
}

// ValidateConnectionAsTyped is ValidateConnection without reading the CA
// file: cheap enough for every keystroke.
func ValidateConnectionAsTyped(v ConnectionValues) (ConnectionValues, FieldErrors) {
	v = trimValues(v)
	var fe FieldErrors
	add := func(f ConnectionField, msg string, warn bool) {
		fe = append(fe, FieldError{Field: f, Message: msg, Warning: warn})
	}
	if inst, err := ParseInstance(v.URL); err != nil {
		add(FieldURL, messageOf(err), false)
	} else {
		v.URL = inst.Stored()
	}
	idErr := ValidateClientID(v.ClientID)
	switch {
	case v.ClientID == "":
		add(FieldClientID, msgNoClientID, false)
	case idErr != nil:
		// A secret saved as the ID would reach the database, history,
		// reports and the clipboard: refused, not warned about.
		add(FieldClientID, clientIDIsSecretMsg+" "+clientIDIsSecretFix, false)
	case strings.ContainsAny(v.ClientID, " \t"):
		add(FieldClientID, msgClientIDSpaces, false)
	case !LooksLikeGUID(v.ClientID):
		add(FieldClientID, msgClientIDNotGUID, true)
	}
	switch {
	case v.Secret == "":
	case strings.ContainsAny(v.Secret, " \t\r\n"):
		add(FieldSecret, msgSecretSpaces, false)
	case !LooksLikeClientSecret(v.Secret) && !LooksLikeGUID(v.Secret):
		add(FieldSecret, msgSecretShape, true)
	}
	if strings.ContainsAny(v.Tenant, " /\\") {
		add(FieldTenant, msgTenant, false)
	}
	if v.AuthURL != "" {
		if _, err := ParseAuthURL(v.AuthURL); err != nil {
			add(FieldAuthURL, messageOf(err)+msgAuthURLFix, false)
		}
	}
	if v.CAFile != "" {
		abs, err := filepath.Abs(v.CAFile)
		if err != nil {
			add(FieldCAFile, "The CA file's full path could not be worked out: "+err.Error(), false)
		} else {
			v.CAFile = abs
		}
	}
	return v, fe
}

// trimValues drops the spaces a paste adds around each value.
func trimValues(v ConnectionValues) ConnectionValues {
	for _, s := range []*string{&v.URL, &v.ClientID, &v.Secret, &v.Tenant, &v.AuthURL, &v.Scope, &v.CAFile} {
		*s = strings.TrimSpace(*s)
	}
	return v
}

// sentence starts msg with a capital letter and ends it with a full stop.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// messageOf is an error's user-facing message (an *Error's Message).
func messageOf(err error) string {
	var he *Error
	if errors.As(err, &he) && he.Message != "" {
		return he.Message
	}
	return err.Error()
}
