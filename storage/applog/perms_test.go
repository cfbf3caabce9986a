//go:build unix

package applog

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// The log keeps to its owner even in an existing, wider directory and
// after an earlier, wider file.
func TestLogKeepsToItsOwner(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{FileName, FileName + ".1"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dir, name), 0o644)
	}
	log, c, err := Open(dir, 0, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("hello")
	c.Close()
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, FileName): 0o600, filepath.Join(dir, FileName+".1"): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %04o, want %04o", path, got, want)
		}
	}
}
