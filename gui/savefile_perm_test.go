//go:build unix

package gui

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/test"
)

// The save dialog writes files with personal data owner-only: a new file
// is 0600 whatever the umask, and a file it replaces loses group and other
// access.
func TestSavedFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(2), &snap)
	s := e.s
	s.assign(e.userID(t, "101"), 1)
	e.wait()
	dir := t.TempDir()
	replaced := filepath.Join(dir, "old.csv")
	if err := os.WriteFile(replaced, []byte("last week's export"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"new.csv", "old.csv"} {
		test.Tap(s.exportBtn)
		ex := s.exportDlg
		ex.folder.SetText(dir)
		ex.name.SetText(name)
		test.Tap(ex.save)
		if ex.confirm != nil {
			ex.confirm.Confirm()
		}
		e.wait()
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %04o, want 0600", name, st.Mode().Perm())
		}
	}
}
