//go:build cgo

package storage

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// isCorruptCode reports SQLite's SQLITE_CORRUPT and SQLITE_NOTADB result codes.
func isCorruptCode(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB)
}

// isBusy reports SQLite's SQLITE_BUSY and SQLITE_LOCKED: another
// connection holds what was needed.
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}
