//go:build windows

package owneronly

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/windows"
)

// openToEveryone lets Everyone read dir besides the user, as
// C:\ProgramData lets every local user.
func openToEveryone(t *testing.T, dir string) {
	t.Helper()
	user, err := currentUser()
	if err != nil {
		t.Fatal(err)
	}
	sd, err := windows.SecurityDescriptorFromString("D:(A;OICI;FA;;;" + user.String() + ")(A;OICI;FR;;;WD)")
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
}

// Under a parent everyone may read, the folder Dir creates, and the files
// made in it, are the user's alone; the parent itself, left as it was, is
// reported with who may read it.
func TestDirIsOwnerOnlyUnderAnOpenParent(t *testing.T) {
	// Not t.TempDir: Go's RemoveAll fails under Wine (a file disposition
	// Wine lacks), and the Wine test's prefix is thrown away anyway.
	tmp, err := os.MkdirTemp("", "owneronly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	open := filepath.Join(tmp, "shared")
	if err := os.Mkdir(open, 0o700); err != nil {
		t.Fatal(err)
	}
	openToEveryone(t, open)
	if others, err := OpenToOthers(open); err != nil || !slices.Contains(others, "Everyone") {
		t.Fatalf("the open parent is readable by %v (%v), want Everyone among them", others, err)
	}

	dir := filepath.Join(open, "halo-assistant")
	if err := Dir(dir, "data directory"); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "halo-assistant.db")
	if err := Create(f); err != nil {
		t.Fatal(err)
	}
	checked := []string{dir, f}
	if underWine() {
		// Wine keeps a file's ACL as its Unix mode and has no inheritance:
		// a new file gets the default mode whatever its folder says.
		t.Log("under Wine: the file's inherited ACL is not checked")
		checked = checked[:1]
	}
	for _, p := range checked {
		if others, err := OpenToOthers(p); err != nil || len(others) != 0 {
			sd, _ := windows.GetNamedSecurityInfo(p, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
			t.Errorf("%s is readable by %v (%v): %s", p, others, err, sd)
		}
	}
	// An existing folder is left as it is.
	if err := Dir(open, "data directory"); err != nil {
		t.Fatal(err)
	}
	if others, _ := OpenToOthers(open); !slices.Contains(others, "Everyone") {
		t.Errorf("Dir changed an existing folder: now readable by %v", others)
	}
}

// underWine reports whether the test runs under Wine (its ntdll exports
// wine_get_version).
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
