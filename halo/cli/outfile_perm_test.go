//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// Every file a command writes with --out holds personal data (names,
// e-mail addresses, numbers): it is the owner's only, whatever the umask.
func TestOutFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	h := newHarness(t)
	dayTwoProfile(t, h)
	srv := startHalo(t, halotest.Demo())
	contactsProfile(t, h, srv, "C")
	dir := t.TempDir()
	for _, c := range []struct {
		file string
		args []string
	}{
		{"full.csv", []string{"export", "--profile", "D", "--include-unmapped"}},
		{"changes.csv", []string{"export", "--profile", "D", "--changes"}},
		{"record.md", []string{"record", "--profile", "D"}},
		{"contacts.csv", []string{"contacts", "audit", "--profile", "C"}},
	} {
		path := filepath.Join(dir, c.file)
		r := h.run("", append(c.args, "--out", path)...)
		st, err := os.Stat(path)
		if err != nil {
			t.Fatalf("%v: %v %+v", c.args, err, r)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%v --out: mode %04o, want 0600", c.args, st.Mode().Perm())
		}
	}
}
