package gui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
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
	err := mapping.WriteFileAtomic(path, func(w io.Writer) error {
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
	if err := mapping.WriteFileAtomic(filepath.Join(dir, "gone", "x.md"), func(w io.Writer) error { return nil }); err == nil {
		t.Fatal("writing into a missing folder must fail")
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := mapping.WriteFileAtomic(filepath.Join(dir, "sub"), func(w io.Writer) error { return nil }); err == nil {
		t.Fatal("replacing a folder must fail")
	}
	if err := os.Remove(filepath.Join(dir, "sub")); err != nil {
		t.Fatalf("the folder was changed: %v", err)
	}
	onlyFile(t, dir, "report.md")

	// A complete write replaces the file and keeps its permissions.
	if err := mapping.WriteFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
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
	if p, problem := savePath(" "+dir+" ", " out.csv ", ""); problem != "" || p != filepath.Join(dir, "out.csv") {
		t.Fatalf("path %q, problem %q", p, problem)
	}
	if err := os.Mkdir(filepath.Join(dir, "taken"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ folder, name string }{
		{"", "out.csv"}, {dir, ""}, {dir, ".."}, {dir, "a/b.csv"}, {filepath.Join(dir, "missing"), "out.csv"},
		{filepath.Join(dir, "taken"), ""}, {dir, "taken"},
	} {
		if _, problem := savePath(c.folder, c.name, ""); problem == "" {
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
	if ex == nil || ex.name.Text != "contoso-msp-halo-mappings.csv" {
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
	// The file holds personal data: the replaced 0644 file is now the
	// owner's only (Windows has no such modes).
	if st, err := os.Stat(path); runtime.GOOS != "windows" && (err != nil || st.Mode().Perm() != 0o600) {
		t.Fatalf("the exported file's mode is %v (%v), want 0600", st.Mode(), err)
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
	s.model.exportTo(filepath.Join(gone, "x.csv"), mapping.ExportOptions{}, nil)
	e.wait()
	if c.Overlays().Top() == nil || strings.Contains(s.status.Text, "x.csv") {
		t.Fatalf("a failed export must say so (status %q)", s.status.Text)
	}
	onlyFile(t, dir, "mappings.csv")
}

func TestSavePathAddsTheExtensionAndNeedsAFullFolder(t *testing.T) {
	dir := t.TempDir()
	for name, want := range map[string]string{
		"mappings":         "mappings.csv",
		"mappings.csv":     "mappings.csv",
		"mappings.CSV":     "mappings.CSV",
		"contoso v1.2":     "contoso v1.2.csv",
		"report.txt":       "report.txt",
		"Contoso MSP 2026": "Contoso MSP 2026.csv",
	} {
		p, problem := savePath(dir, name, ".csv")
		if problem != "" || p != filepath.Join(dir, want) {
			t.Errorf("%q: path %q, problem %q", name, p, problem)
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home folder")
	}
	if p, problem := savePath("~", "x", ".md"); problem != "" || p != filepath.Join(home, "x.md") {
		t.Errorf("~: path %q, problem %q", p, problem)
	}
	if fi, err := os.Stat(home); err == nil && fi.IsDir() {
		sub, err := os.MkdirTemp(home, "savepath-test-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.Remove(sub)
		if p, problem := savePath("~/"+filepath.Base(sub), "x", ".md"); problem != "" || p != filepath.Join(sub, "x.md") {
			t.Errorf("~/…: path %q, problem %q", p, problem)
		}
	}
	for _, rel := range []string{"Documents", "./out", "../x"} {
		if _, problem := savePath(rel, "x.csv", ".csv"); !strings.Contains(problem, "full path") {
			t.Errorf("relative folder %q: problem %q", rel, problem)
		}
	}
}

func TestSaveDialogKeepsTheNameWhenTheSaveFails(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(2), &snap)
	s := e.s
	e.u.lastSaveDir = ""
	test.Tap(s.exportBtn)
	ex := s.exportDlg
	// The proposed name is selected: typing replaces it, and the
	// extension is added.
	if ex.name.SelectedText() != "contoso-msp-halo-mappings.csv" || e.win.Canvas().Focused() != fyne.Focusable(ex.name) {
		t.Fatalf("selected %q in the focused name", ex.name.SelectedText())
	}
	test.Type(ex.name, "week 12")
	if ex.name.Text != "week 12" {
		t.Fatalf("typing left %q", ex.name.Text)
	}
	// The folder disappears while the file is written: the dialog stays
	// open with the reason and the name, and the next save does not start
	// in the missing folder.
	dir := filepath.Join(t.TempDir(), "exports")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ex.folder.SetText(dir)
	release := holdAsync(t, e.u, func() { test.Tap(ex.save) })
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	release()
	e.wait()
	if !ex.open || !ex.errMsg.Visible() || !strings.HasPrefix(ex.errMsg.Text, "Not saved") || ex.name.Text != "week 12" {
		t.Fatalf("open %v, error %q, name %q", ex.open, ex.errMsg.Text, ex.name.Text)
	}
	if e.u.lastSaveDir != "" || ex.save.Disabled() {
		t.Fatalf("after a failed save: last folder %q, Save disabled %v", e.u.lastSaveDir, ex.save.Disabled())
	}
	// Once the folder is back, the same dialog saves "week 12.csv".
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	test.Tap(ex.save)
	e.wait()
	onlyFile(t, dir, "week 12.csv")
	if ex.open || e.u.lastSaveDir != dir {
		t.Fatalf("after saving: open %v, last folder %q", ex.open, e.u.lastSaveDir)
	}
}

func TestSaveReportAddsMd(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	cd := ce.runCheck(t)
	test.Tap(cd.buttons.save)
	sd := cd.saveDlg
	dir := t.TempDir()
	sd.folder.SetText(dir)
	test.Type(sd.name, "contoso check")
	test.Tap(sd.save)
	ce.wait()
	onlyFile(t, dir, "contoso check.md")
	if cd.note.Text != "Report saved to "+filepath.Join(dir, "contoso check.md")+"." {
		t.Fatalf("note = %q", cd.note.Text)
	}
}
