//go:build unix

package mapping

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Files the app writes hold personal data: a new one is 0600 whatever the
// umask; one it replaces keeps its owner's permissions and loses group
// and other access.
func TestWriteFileAtomicIsOwnerOnly(t *testing.T) {
	write := func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }
	dir := t.TempDir()
	for _, umask := range []int{0o000, 0o022, 0o027, 0o077} {
		old := syscall.Umask(umask)
		path := filepath.Join(dir, "new.csv")
		os.Remove(path)
		err := WriteFileAtomic(path, write)
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("umask %04o: mode %04o, want 0600", umask, st.Mode().Perm())
		}
	}
	for had, want := range map[os.FileMode]os.FileMode{0o644: 0o600, 0o640: 0o600, 0o666: 0o600, 0o600: 0o600, 0o400: 0o400, 0o700: 0o700} {
		path := filepath.Join(dir, "kept.csv")
		os.Remove(path)
		os.WriteFile(path, nil, 0o600)
		os.Chmod(path, had)
		old := syscall.Umask(0o022)
		err := WriteFileAtomic(path, write)
		syscall.Umask(old)
		if st, _ := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Errorf("replacing a %04o file: mode %v, want %04o (%v)", had, st.Mode(), want, err)
		}
	}
}
