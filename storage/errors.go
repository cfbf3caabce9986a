package storage

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap them, so callers
// test with errors.Is and show err.Error() to the user.
var (
	// ErrNotFound: the profile, user, mapping or run does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalidName: a profile name is empty, too long or has control characters.
	ErrInvalidName = errors.New("invalid profile name")
	// ErrDuplicateName: another profile already has this name (case-insensitively).
	ErrDuplicateName = errors.New("duplicate profile name")
	// ErrInvalidUser: a 1stream user has neither extension nor email, or a
	// field is malformed.
	ErrInvalidUser = errors.New("invalid user")
	// ErrDuplicateUser: another user of the profile has the same extension
	// or email.
	ErrDuplicateUser = errors.New("duplicate user")
	// ErrAgentTaken: the Halo agent is already mapped to another user.
	ErrAgentTaken = errors.New("agent already mapped to another user")
	// ErrConflict: the mappings changed elsewhere (another window or a
	// command) since the caller read them; nothing was written.
	ErrConflict = errors.New("changed meanwhile")
	// ErrInvalid: any other malformed argument (bad run kind, empty step ID...).
	ErrInvalid = errors.New("invalid argument")
)

// userError carries a message meant for the user and a sentinel for
// errors.Is, without the sentinel's text being glued onto the message.
type userError struct {
	msg  string
	kind error
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	e := userError{msg: fmt.Sprintf(format, args...), kind: kind}
	if kind == ErrInvalidUser || kind == ErrDuplicateUser || kind == ErrAgentTaken {
		return &personalError{e}
	}
	return &e
}

// personalError is a userError whose message names people (a 1stream
// user's name, extension or e-mail address, an agent): the user sees it,
// the log records only its kind (applog.PersonalError).
type personalError struct{ userError }

// PersonalKind is what the log records instead of the message.
func (e *personalError) PersonalKind() string { return e.kind.Error() }

// NotDatabaseError: the data directory holds a file with the database's name
// that is not an SQLite database at all. Open never overwrites it.
type NotDatabaseError struct {
	Path string
}

func (e *NotDatabaseError) Error() string {
	return fmt.Sprintf("%q is not a Halo Integration Assistant database (it is not an SQLite file); "+
		"it can be moved aside (renamed), after which a new, empty database is created", e.Path)
}

// CorruptError: the file is an SQLite database but SQLite reports damage.
// Open never overwrites it.
type CorruptError struct {
	Path   string
	Detail string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the Halo Integration Assistant database %q is damaged (%s); "+
		"it can be moved aside (renamed, so it can still be inspected or restored from a backup), "+
		"after which a new, empty database is created", e.Path, e.Detail)
}

// NewerSchemaError: the database was migrated by a newer release. Open leaves
// the file untouched so the newer release keeps working.
type NewerSchemaError struct {
	Path  string
	Have  int // schema version found in the file
	Known int // highest schema version this build knows
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("the database %q was written by a newer version of Halo Integration Assistant "+
		"(schema %d, this version knows %d); install the newer version, or use a different data directory",
		e.Path, e.Have, e.Known)
}
