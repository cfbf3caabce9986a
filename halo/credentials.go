package halo

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/halo-assistant/halo-assistant/halo/redact"
)

// Halo's Client IDs are GUIDs and its Client Secrets two GUIDs joined by "-".
// The forms are hints for warnings, except that a Client ID with the shape of
// a secret is refused: saved as an ID it would reach the database, history,
// reports and the clipboard.
var (
	guidPattern   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	secretPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}-[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$`)
	// secretInside finds a secret's shape anywhere in a paste, e.g.
	// `"Secret: <secret>"` copied whole from a password manager.
	secretInside = regexp.MustCompile(`[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}-[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}`)
)

// LooksLikeGUID reports whether s has the form of a Halo Client ID.
func LooksLikeGUID(s string) bool { return guidPattern.MatchString(strings.TrimSpace(s)) }

// LooksLikeClientSecret reports whether s has the form of a Halo Client Secret.
func LooksLikeClientSecret(s string) bool { return secretPattern.MatchString(strings.TrimSpace(s)) }

const (
	clientIDIsSecretMsg = "This looks like the Client Secret, not the Client ID: the two look swapped."
	clientIDIsSecretFix = "Enter the Client ID (one GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e) as the Client ID, " +
		"and the Client Secret only in its own field (or --secret-stdin)."
)

// ValidateClientID refuses a Client ID that holds a value with the shape of
// a Client Secret anywhere (quoted, after a "Secret:" label, split by
// zero-width characters), so a secret pasted into the wrong field is never
// stored; the value found is registered with the redactor. Other
// odd-looking IDs pass: only a warning is worth giving for those.
func ValidateClientID(id string) error {
	if sec := secretInside.FindString(dropFormatChars(id)); sec != "" {
		redact.Add(sec)
		return &Error{Kind: KindConfig, Message: clientIDIsSecretMsg, Fix: clientIDIsSecretFix, Step: "halo-13"}
	}
	return nil
}

// dropFormatChars removes invisible format characters (zero-width spaces
// and joiners, BOMs, bidi marks: Unicode Cf), which a paste can carry
// inside a value and which would hide its shape from the pattern.
func dropFormatChars(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
}
