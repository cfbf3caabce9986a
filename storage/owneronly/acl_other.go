//go:build !windows

package owneronly

import "os"

// mkdirPrivate is Windows' (see acl_windows.go); elsewhere Dir sets modes.
func mkdirPrivate(dir string) error { return os.MkdirAll(dir, 0o700) }

// OpenToOthers is Windows' check of a directory's ACL: elsewhere Dir has
// already taken group and other access away, so there is no one.
func OpenToOthers(dir string) ([]string, error) { return nil, nil }
