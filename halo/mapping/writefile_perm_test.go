//go:build unix

package mapping

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A new exported file gets the user's umask (not a fixed 0644); an
// existing one keeps its mode.
func TestWriteFileAtomicHonoursTheUmask(t *testing.T) {
	write := func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }
	dir := t.TempDir()
	for umask, want := range map[int]os.FileMode{0o077: 0o600, 0o022: 0o644, 0o027: 0o640} {
		old := syscall.Umask(umask)
		path := filepath.Join(dir, "new.csv")
		os.Remove(path)
		err := WriteFileAtomic(path, write)
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != want {
			t.Errorf("umask %04o: mode %04o, want %04o", umask, st.Mode().Perm(), want)
		}
	}
	path := filepath.Join(dir, "kept.csv")
	os.WriteFile(path, nil, 0o600)
	os.Chmod(path, 0o640)
	old := syscall.Umask(0o077)
	err := WriteFileAtomic(path, write)
	syscall.Umask(old)
	if st, _ := os.Stat(path); err != nil || st.Mode().Perm() != 0o640 {
		t.Fatalf("an existing file's mode changed: %v %v", st.Mode(), err)
	}
}
