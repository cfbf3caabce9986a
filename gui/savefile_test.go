package gui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// onlyFile fails unless dir holds exactly the named file: a failed write
// must leave no temporary file behind.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("the folder holds %v, want only %s", names, name)
	}
}

func TestWriteFileAtomicNeverLeavesAPartialFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.md")
	if err := os.WriteFile(path, []byte("the previous report"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The write fails half-way: the previous file is intact.
	err := writeFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "half a rep")
		return errors.New("disk full")
	})
	if err == nil {
		t.Fatal("the failure was not reported")
	}
	if b, _ := os.ReadFile(path); string(b) != "the previous report" {
		t.Fatalf("the previous file now holds %q", b)
	}
	onlyFile(t, dir, "report.md")

	// A folder that does not exist, and a target that is a folder, fail
	// without creating anything.
	if err := writeFileAtomic(filepath.Join(dir, "gone", "x.md"), func(w io.Writer) error { return nil }); err == nil {
		t.Fatal("writing into a missing folder must fail")
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "sub"), func(w io.Writer) error { return nil }); err == nil {
		t.Fatal("replacing a folder must fail")
	}
	if err := os.Remove(filepath.Join(dir, "sub")); err != nil {
		t.Fatalf("the folder was changed: %v", err)
	}
	onlyFile(t, dir, "report.md")

	// A complete write replaces the file and keeps its permissions.
	if err := writeFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("the file holds %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want the previous file's 0600", fi.Mode().Perm())
	}
	onlyFile(t, dir, "report.md")
}

func TestSavePathChecksTheLocation(t *testing.T) {
	dir := t.TempDir()
	if p, problem := savePath(" "+dir+" ", " out.csv "); problem != "" || p != filepath.Join(dir, "out.csv") {
		t.Fatalf("path %q, problem %q", p, problem)
	}
	if err := os.Mkdir(filepath.Join(dir, "taken"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ folder, name string }{
		{"", "out.csv"}, {dir, ""}, {dir, ".."}, {dir, "a/b.csv"}, {filepath.Join(dir, "missing"), "out.csv"},
		{filepath.Join(dir, "taken"), ""}, {dir, "taken"},
	} {
		if _, problem := savePath(c.folder, c.name); problem == "" {
			t.Errorf("folder %q, name %q accepted", c.folder, c.name)
		}
	}
}

func TestExportAsksBeforeReplacingAndNeverEmptiesTheOldFile(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(2), &snap)
	s := e.s
	s.assign(e.userID(t, "101"), 1)
	e.wait()
	dir := t.TempDir()
	path := filepath.Join(dir, "mappings.csv")
	if err := os.WriteFile(path, []byte("last week's export"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := e.win.Canvas()

	test.Tap(s.exportBtn)
	ex := s.exportDlg
	if ex == nil || ex.name.Text != "Contoso MSP-halo-mappings.csv" {
		t.Fatal("the export dialog proposes a file name")
	}
	// A folder that does not exist is refused in the dialog.
	ex.folder.SetText(filepath.Join(dir, "missing"))
	test.Tap(ex.save)
	if !ex.errMsg.Visible() || !strings.Contains(ex.errMsg.Text, "does not exist") {
		t.Fatalf("error = %q", ex.errMsg.Text)
	}
	// An existing file: the dialog asks, and until then the file is as it was.
	ex.folder.SetText(dir)
	ex.name.SetText("mappings.csv")
	test.Tap(ex.save)
	if ex.confirm == nil {
		t.Fatal("replacing a file must ask first")
	}
	if b, _ := os.ReadFile(path); string(b) != "last week's export" {
		t.Fatalf("asking already changed the file: %q", b)
	}
	ex.confirm.Dismiss()
	e.wait()
	if b, _ := os.ReadFile(path); string(b) != "last week's export" {
		t.Fatalf("declining changed the file: %q", b)
	}
	test.Tap(ex.save)
	ex.confirm.Confirm()
	e.wait()
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "Agent 001") || !strings.HasPrefix(s.status.Text, "Exported 1 mapping to "+path) {
		t.Fatalf("file %q, status %q", b, s.status.Text)
	}
	onlyFile(t, dir, "mappings.csv")
	if c.Overlays().Top() != nil {
		t.Fatal("the export dialogs stay open")
	}
	// The next export starts in the same folder.
	test.Tap(s.exportBtn)
	if s.exportDlg.folder.Text != dir {
		t.Fatalf("next export starts in %q", s.exportDlg.folder.Text)
	}
	s.exportDlg.d.Hide()

	// A folder that disappears before the write: an error, and no file.
	gone := filepath.Join(dir, "gone")
	s.exportTo(filepath.Join(gone, "x.csv"), mapping.ExportOptions{})
	e.wait()
	if c.Overlays().Top() == nil || strings.Contains(s.status.Text, "x.csv") {
		t.Fatalf("a failed export must say so (status %q)", s.status.Text)
	}
	onlyFile(t, dir, "mappings.csv")
}
