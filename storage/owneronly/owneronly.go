// Package owneronly keeps the app's own files (database, WAL, SHM, log)
// readable by their owner only: 0600 files in a 0700 directory, even when
// the directory already existed with wider permissions (e.g. a --data-dir
// made by hand). Windows has no such modes: there a directory Dir creates
// gets a protected DACL that grants the user alone full control (its files
// inherit it, whatever the parent allows, say C:\ProgramData), and an
// existing one is left as it is but OpenToOthers says who else may read it.
package owneronly

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
)

// Dir creates dir (0700) if needed and takes group and other access away
// from an existing one; it refuses, saying what to do, when that fails.
func Dir(dir, what string) error {
	if runtime.GOOS == "windows" {
		if err := mkdirPrivate(dir); err != nil {
			return fmt.Errorf("cannot create the %s %s: %w", what, dir, err)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the %s %s: %w", what, dir, err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot read the %s %s: %w", what, dir, err)
	}
	if st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(dir, st.Mode().Perm()&0o700); err != nil {
		return fmt.Errorf("the %s %s is open to other users (mode %04o) and could not be made private: %w; "+
			"run 'chmod 700 %s' or choose a directory of your own", what, dir, st.Mode().Perm(), err, dir)
	}
	return nil
}

// File takes group and other access away from an existing file; a missing
// file is fine.
func File(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, st.Mode().Perm()&0o700); err != nil {
		return fmt.Errorf("%s is open to other users (mode %04o) and could not be made private: %w; run 'chmod 600 %s'",
			path, st.Mode().Perm(), err, path)
	}
	return nil
}

// Create makes path an empty 0600 file unless it exists, then as File.
// SQLite gives its WAL and SHM files the mode of the database file, so a
// database created this way keeps all three private.
func Create(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return File(path)
}
