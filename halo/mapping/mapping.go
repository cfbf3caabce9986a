// Package mapping is the pure domain logic for mapping 1stream phone users
// to Halo agents: importing the users from CSV/TSV files or pasted
// spreadsheet cells, suggesting matches, filtering the agent list, and
// exporting and restoring a profile's mappings as CSV.
//
// It does no I/O beyond the readers, writers and files it is handed and
// imports neither Fyne nor a database driver, so the storage layer, the GUI
// and the CLI share one implementation and tests exercise it directly.
package mapping

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Method says how a mapping was made.
type Method string

// The ways a mapping can be made. The values are stored in the database and
// written to exported files, so they never change.
const (
	MethodManual    Method = "manual"
	MethodEmail     Method = "email"
	MethodExtension Method = "extension"
	MethodName      Method = "name"
	MethodFuzzy     Method = "fuzzy"
	MethodImported  Method = "imported"
)

// Valid reports whether m is one of the known methods.
func (m Method) Valid() bool {
	switch m {
	case MethodManual, MethodEmail, MethodExtension, MethodName, MethodFuzzy, MethodImported:
		return true
	}
	return false
}

// ParseMethod parses a method name case-insensitively, ignoring surrounding
// spaces, as found in a hand-edited export.
func ParseMethod(s string) (Method, bool) {
	m := Method(strings.ToLower(strings.TrimSpace(s)))
	return m, m.Valid()
}

// User is one 1stream phone user of a profile. ID and ProfileID are the
// storage row's (0 before the user is stored). Within a profile a non-empty
// Extension is unique, and so is a non-empty Email under EmailKey; every
// stored user has at least one of the two.
type User struct {
	ID        int64
	ProfileID int64
	Extension string
	Name      string
	Email     string
}

// Label names the user in messages: extension, else email, else name.
func (u User) Label() string {
	switch {
	case u.Extension != "":
		return "extension " + u.Extension
	case u.Email != "":
		return u.Email
	case u.Name != "":
		return u.Name
	}
	return "user " + strconv.FormatInt(u.ID, 10)
}

// Merge is u updated by a row of an import: the fields the row has replace
// u's, the empty ones keep them.
func (u User) Merge(row User) User {
	if row.Extension != "" {
		u.Extension = row.Extension
	}
	if row.Name != "" {
		u.Name = row.Name
	}
	if row.Email != "" {
		u.Email = row.Email
	}
	return u
}

// Short names the user as 1stream's CRM User Mappings screen lists it
// ("Ext. 307 José O'Brien"); the GUI and the CLI both write it so.
func (u User) Short() string {
	switch {
	case u.Extension != "" && u.Name != "":
		return "Ext. " + u.Extension + " " + u.Name
	case u.Extension != "":
		return "Ext. " + u.Extension
	case u.Name != "":
		return u.Name
	}
	return u.Email
}

// Mapping links a 1stream user to a Halo agent within a profile: a user has
// at most one agent and an agent at most one user. AgentName and AgentEmail
// are copied from the agent when the mapping is made so an export still
// reads well after the agent changes or disappears.
type Mapping struct {
	ProfileID  int64
	UserID     int64
	AgentID    int
	AgentName  string
	AgentEmail string
	MatchedBy  Method
	MappedAt   time.Time
}

// Limits of an import. They keep a pasted or picked file from exhausting
// memory or freezing the GUI; the messages of ErrTooLarge and ErrTooManyRows
// quote them.
const (
	MaxImportBytes = 10 << 20 // 10 MB
	MaxImportRows  = 100_000  // data rows, header excluded
	MaxFieldLen    = 256      // characters in any field of a mappings file
)

// Per-field limits of a 1stream user, the same the database enforces, so a
// preview never accepts a row that saving would refuse.
const (
	MaxExtensionLen = 32
	MaxNameLen      = 200
	MaxEmailLen     = 254
)

// Errors of the import functions. Errors that carry details wrap one of
// these, so callers test them with errors.Is.
var (
	ErrTooLarge    = errors.New("the file is larger than 10 MB; split it into smaller files")
	ErrTooManyRows = errors.New("the file has more than 100,000 rows; split it into smaller files")
	ErrNoHeader    = errors.New("the first row is not a recognised header")
	ErrEmpty       = errors.New("the file is empty")
	ErrNotText     = errors.New("the file is not text; save it as CSV (UTF-8) or tab-separated text")
)

// Column roles in Preview.Columns.
const (
	ColExtension = "extension"
	ColName      = "name"
	ColEmail     = "email"
	ColFirst     = "first"
	ColLast      = "last"
)

// EmailKey is the form in which emails are compared: trimmed, without a
// "mailto:" prefix, lower case. Storage keys users' emails by it, so a
// re-import updates users instead of duplicating them.
func EmailKey(email string) string {
	s := strings.TrimSpace(email)
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = strings.TrimSpace(s[7:])
	}
	return strings.ToLower(s)
}

// ExtensionKey is the form in which extensions are compared: lower case,
// without spaces, and without an "ext", "ext." or "x" prefix in front of a
// digit (Halo's extensionnumber is free text, so "x101" and "101" must meet).
// Leading zeros are kept: "0101" and "101" can be different extensions.
func ExtensionKey(ext string) string {
	s := strings.TrimSpace(ext)
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, " \t\u00a0") || needsLower(s) {
		s = strings.ToLower(strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\u00a0' {
				return -1
			}
			return r
		}, s))
	}
	for _, p := range [...]string{"ext.", "ext", "x"} {
		if len(s) > len(p) && strings.HasPrefix(s, p) && isDigit(s[len(p)]) {
			return s[len(p):]
		}
	}
	return s
}

func needsLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
