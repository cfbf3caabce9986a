//go:build !cgo

package storage

// isCorruptCode: without cgo go-sqlite3 is a stub that opens nothing, so
// there are no SQLite result codes; this file only keeps the package
// compiling (e.g. for `go vet` with CGO_ENABLED=0).
func isCorruptCode(error) bool { return false }

// isBusy: without cgo there is no SQLite to be busy (see isCorruptCode).
func isBusy(error) bool { return false }
