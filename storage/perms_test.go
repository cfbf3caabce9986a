//go:build unix

package storage

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The database, WAL and SHM are 0600 in a 0700 directory, even when
// --data-dir names an existing, wider directory and an existing, wider
// database (and whatever the umask).
func TestDataFilesKeepToTheirOwner(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	for _, existing := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "shared")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if existing {
			db, err := Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			mustProfile(t, db, "Wide")
			db.Close()
			for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
				_ = os.Chmod(filepath.Join(dir, name), 0o644)
			}
			os.Chmod(dir, 0o775)
		}
		db, err := Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		mustProfile(t, db, "Private")
		assertMode(t, dir, 0o700)
		for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
			assertMode(t, filepath.Join(dir, name), 0o600)
		}
		db.Close()
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s: mode %04o, want %04o", path, got, want)
	}
}
