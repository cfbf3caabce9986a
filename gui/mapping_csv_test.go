package gui

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func TestMappingExportAndImport(t *testing.T) {
	snap := agentsSnapshot(4)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	s.assign(e.userID(t, "101"), 1)
	e.wait()
	s.assign(e.userID(t, "102"), 2)
	e.wait()

	test.Tap(s.exportBtn)
	if s.exportDlg == nil || !s.exportDlg.bom.Checked || s.exportDlg.unmapped.Checked {
		t.Fatal("export offers Excel-friendly on and unmapped users off by default")
	}
	s.exportDlg.d.Hide()

	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	s.model.exportTo(path, mapping.ExportOptions{BOM: true, IncludeUnmapped: true}, nil)
	e.wait()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.HasPrefix(text, "\uFEFF"+strings.Join(mapping.ExportHeader, ",")) {
		t.Fatalf("export starts %q", text[:min(80, len(text))])
	}
	lines := strings.Split(strings.TrimSpace(text), "\r\n")
	if len(lines) != 4 || !strings.Contains(lines[1], "Agent 001") || !strings.HasPrefix(lines[3], "103,") {
		t.Fatalf("export lines: %q", lines)
	}
	if len(e.audit(t, "mapping.exported")) != 1 {
		t.Fatal("export was not audited")
	}
	plain := filepath.Join(dir, "plain.csv")
	s.model.exportTo(plain, mapping.ExportOptions{}, nil)
	e.wait()
	data, _ = os.ReadFile(plain)
	if bytes.HasPrefix(data, []byte("\uFEFF")) || strings.Count(string(data), "\r\n") != 3 {
		t.Fatalf("plain export without unmapped users: %q", data)
	}

	// Change the mappings, then import the file back: the file wins, and a
	// row whose agent no longer exists is reported.
	s.assign(e.userID(t, "103"), 3)
	e.wait()
	s.model.selectUser(e.userID(t, "101"))
	s.model.unmapSelected()
	e.wait()
	withGone := strings.TrimSpace(string(data)) + "\r\n103,User 003,user003@contoso.example,4242,Gone Agent,,manual,\r\n"
	s.importMappingsFrom("back.csv", io.NopCloser(strings.NewReader(withGone)))
	e.wait()
	md := s.mapImportDlg
	if md == nil {
		t.Fatal("import must show what it will do first")
	}
	if len(md.plan.problems) != 1 || !strings.Contains(md.plan.problems[0].Reason, "4242") ||
		!strings.Contains(md.plan.problems[0].Reason, "no longer exists") || md.plan.problems[0].Line != 4 {
		t.Fatalf("problems = %+v", md.plan.problems)
	}
	if !strings.Contains(md.summary.Text, "1 new, 0 changed, 1 already") || !strings.Contains(md.summary.Text, "1 row cannot be used") {
		t.Fatalf("summary = %q", md.summary.Text)
	}
	if len(e.mappings(t)) != 2 {
		t.Fatal("nothing may change before Apply")
	}
	md.d.Confirm()
	e.wait()
	ms := e.mappings(t)
	if ms[e.userID(t, "101")].AgentID != 1 || ms[e.userID(t, "102")].AgentID != 2 || ms[e.userID(t, "103")].AgentID != 3 {
		t.Fatalf("after import: %+v", ms)
	}
	if m := ms[e.userID(t, "101")]; m.MatchedBy != "manual" {
		t.Fatalf("imported mapping keeps the file's method: %+v", m)
	}
	test.Tap(s.undoBtn)
	e.wait()
	if _, ok := e.mappings(t)[e.userID(t, "101")]; ok {
		t.Fatal("undo of the import did not remove what it added")
	}

	// A file that is not a mappings file is refused with a clear error.
	s.mapImportDlg = nil
	s.importMappingsFrom("junk.csv", io.NopCloser(strings.NewReader("hello\r\nworld\r\n")))
	e.wait()
	if s.mapImportDlg != nil || !strings.Contains(confirmText(s), "Cannot import junk.csv") {
		t.Fatalf("an unreadable file must show an error, not a plan: %q", confirmText(s))
	}
}
