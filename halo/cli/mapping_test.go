package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// syncedProfile makes a profile "P" synced against the demo Halo and
// returns its agents (enabled, not API-only).
func syncedProfile(t *testing.T, h *harness) []halo.Agent {
	t.Helper()
	srv := startHalo(t, halotest.Demo())
	if r := h.run(srv.ClientSecret(), "profile", "add", "P", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := h.run("", "sync", "--profile", "P"); r.code != 0 {
		t.Fatalf("sync: %+v", r)
	}
	db, p := h.profileDB(t, "P")
	snap, _, err := db.Snapshot(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []halo.Agent
	for _, a := range snap.Agents {
		if !a.IsDisabled && !a.IsAPIAgent && a.Email != "" {
			out = append(out, a)
		}
	}
	if len(out) < 10 {
		t.Fatalf("demo has only %d usable agents", len(out))
	}
	return out
}

func TestUsersImportMapAutoExportRoundTrip(t *testing.T) {
	h := newHarness(t)
	agents := syncedProfile(t, h)

	// A semicolon-separated export with a BOM, as Excel writes it: one user
	// matches by email, one by extension only, one by "Last, First", one is
	// rejected (no extension, no email), one duplicates an extension.
	var csv strings.Builder
	csv.WriteString("\ufeffExt;Display Name;E-mail\r\n")
	fmt.Fprintf(&csv, "101;Someone Else;%s\r\n", strings.ToUpper(agents[0].Email))
	// (Same surname: an extension match whose names plainly differ is only suggested.)
	fmt.Fprintf(&csv, "%s;Someone %s;\r\n", agents[1].Extension, agents[1].Surname)
	fmt.Fprintf(&csv, "103;\"%s, %s\";\r\n", agents[2].Surname, agents[2].FirstName)
	csv.WriteString(";Nobody;\r\n")
	csv.WriteString("101;Dup Ext;dup@example.com\r\n")
	file := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	r := h.run("", "users", "import", "--profile", "P", file, "--json")
	if r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	var imp importJSON
	if err := json.Unmarshal([]byte(r.stdout), &imp); err != nil {
		t.Fatal(err)
	}
	if imp.Added != 3 || len(imp.Rejected) != 2 || imp.Rejected[0].Line != 5 || imp.Rejected[1].Line != 6 {
		t.Fatalf("import result: %s", r.stdout)
	}
	// Re-import updates instead of duplicating.
	r = h.run("", "users", "import", "--profile", "P", file, "--json")
	json.Unmarshal([]byte(r.stdout), &imp)
	if imp.Added != 0 {
		t.Fatalf("re-import added %d users", imp.Added)
	}
	if imp.Unchanged != 3 || imp.Updated != 0 {
		t.Fatalf("re-import of the same file: %s", r.stdout)
	}
	// --dry-run previews what the GUI previews: new, updated, unchanged, rejected.
	dry := filepath.Join(t.TempDir(), "dry.csv")
	os.WriteFile(dry, []byte(strings.Replace(csv.String(), ";Nobody;\r\n", "999;New Person;\r\n", 1)), 0o600)
	r = h.run("", "users", "import", "--profile", "P", dry, "--dry-run", "--json")
	imp = importJSON{}
	json.Unmarshal([]byte(r.stdout), &imp)
	if !imp.DryRun || imp.Added != 1 || imp.Unchanged != 3 || len(imp.Rejected) != 1 {
		t.Fatalf("dry run: %s", r.stdout)
	}
	r = h.run("", "users", "import", "--profile", "P", dry, "--dry-run")
	if !strings.Contains(r.stdout, "(1 new, 0 updated, 3 unchanged, 1 rejected)") {
		t.Fatalf("dry run text: %s", r.stdout)
	}

	// Dry run changes nothing.
	r = h.run("", "map", "auto", "--profile", "P", "--dry-run", "--json")
	var auto autoJSON
	if err := json.Unmarshal([]byte(r.stdout), &auto); err != nil || r.code != 0 {
		t.Fatalf("dry run: %v %+v", err, r)
	}
	if auto.Applied != 0 || len(auto.Matches) != 3 {
		t.Fatalf("dry run: %s", r.stdout)
	}
	methods := map[string]bool{}
	for _, m := range auto.Matches {
		methods[m.Method] = true
	}
	if !methods["email"] || !methods["extension"] || !methods["name"] {
		t.Fatalf("methods %v", methods)
	}
	r = h.run("", "users", "list", "--profile", "P", "--json")
	if strings.Count(r.stdout, `"unmapped"`) != 3 {
		t.Fatalf("dry run mapped something: %s", r.stdout)
	}

	r = h.run("", "map", "auto", "--profile", "P", "--json")
	json.Unmarshal([]byte(r.stdout), &auto)
	if r.code != 0 || auto.Applied != 3 || auto.Mapped != 3 {
		t.Fatalf("auto: %s", r.stdout)
	}

	// Manual set with an agent already taken needs --move.
	if r := h.run("", "map", "set", "--profile", "P", "--extension", "103", "--agent-id", fmt.Sprint(agents[0].ID)); r.code != 1 {
		t.Fatalf("taken agent: %+v", r)
	}
	if r := h.run("", "map", "set", "--profile", "P", "--extension", "103", "--agent-id", "999999"); r.code != 1 || !strings.Contains(r.stderr, "no Halo agent") {
		t.Fatalf("unknown agent: %+v", r)
	}

	// Export → wipe → import-mappings restores exactly.
	out := filepath.Join(t.TempDir(), "map.csv")
	if r := h.run("", "export", "--profile", "P", "--out", out, "--bom", "--include-unmapped"); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	first, _ := os.ReadFile(out)
	if !bytes.HasPrefix(first, []byte("\ufeffExtension,1stream User,1stream Email,Halo Agent ID,Halo Agent,Halo Agent Email,Matched By,Mapped At\r\n")) {
		t.Fatalf("export header: %q", first[:120])
	}
	for _, ext := range []string{"101", agents[1].Extension, "103"} {
		if r := h.run("", "map", "remove", "--profile", "P", "--extension", ext); r.code != 0 {
			t.Fatalf("remove %s: %+v", ext, r)
		}
	}
	r = h.run("", "import-mappings", "--profile", "P", out, "--json")
	var im importMappingsJSON
	if err := json.Unmarshal([]byte(r.stdout), &im); err != nil || r.code != 0 || im.Restored != 3 {
		t.Fatalf("import-mappings: %v %+v", err, r)
	}
	again := filepath.Join(t.TempDir(), "again.csv")
	h.run("", "export", "--profile", "P", "--out", again, "--bom", "--include-unmapped")
	second, _ := os.ReadFile(again)
	if !bytes.Equal(first, second) {
		t.Fatalf("round trip is not lossless:\n%s\n---\n%s", first, second)
	}
	// Standard output export, no BOM.
	r = h.run("", "export", "--profile", "P")
	if r.code != 0 || !strings.HasPrefix(r.stdout, strings.Join(mapping.ExportHeader, ",")) {
		t.Fatalf("stdout export: %+v", r)
	}
}

func TestMappingCommandErrors(t *testing.T) {
	h := newHarness(t)
	h.run("", "profile", "add", "Empty")
	if r := h.run("", "map", "auto", "--profile", "Empty"); r.code != 1 || !strings.Contains(r.stderr, "sync") {
		t.Fatalf("auto without agents: %+v", r)
	}
	junk := filepath.Join(t.TempDir(), "junk.bin")
	os.WriteFile(junk, []byte{0, 1, 2, 0xff, 0xfe, 0, 0, 9, 9}, 0o600)
	if r := h.run("", "users", "import", "--profile", "Empty", junk); r.code != 1 {
		t.Fatalf("binary junk: %+v", r)
	}
	if r := h.run("", "users", "import", "--profile", "Empty", "/does/not/exist.csv"); r.code != 1 {
		t.Fatalf("missing file: %+v", r)
	}
	for _, args := range [][]string{{"users"}, {"users", "import", "--profile", "Empty"}, {"map", "set", "--profile", "Empty"}, {"export", "--profile", "Empty", "x"}} {
		if r := h.run("", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}

// Whatever the import preview accepts, saving accepts: the limits of
// halo/mapping and storage agree.
func TestImportPreviewAndStorageAgreeOnLimits(t *testing.T) {
	h := newHarness(t)
	h.run("", "profile", "add", "Limits")
	in := "Extension,Name,Email\n" +
		strings.Repeat("9", mapping.MaxExtensionLen) + "," + strings.Repeat("é", mapping.MaxNameLen) + ",\n" +
		strings.Repeat("8", mapping.MaxExtensionLen+1) + ",Too long ext,\n" +
		"1 01,Space ext,\n" +
		"102,Long mail," + strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("d", 60)+".", 3) + "com\n"
	r := h.run(in, "users", "import", "--profile", "Limits", "-", "--json")
	if r.code != 0 {
		t.Fatalf("import refused what the preview accepted: %+v", r)
	}
	var imp importJSON
	json.Unmarshal([]byte(r.stdout), &imp)
	if imp.Added != 2 || len(imp.Rejected) != 2 {
		t.Fatalf("%s", r.stdout)
	}
}

func TestReimportMatchesExtensionsInAnyWrittenForm(t *testing.T) {
	h := newHarness(t)
	h.run("", "profile", "add", "Ext")
	if r := h.run("Extension,Name\n101,Ann\n", "users", "import", "--profile", "Ext", "-"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	r := h.run("Extension,Name,Email\nx101,Ann Lee,ann@example.com\n", "users", "import", "--profile", "Ext", "-", "--json")
	var imp importJSON
	if err := json.Unmarshal([]byte(r.stdout), &imp); err != nil || imp.Added != 0 || imp.Updated != 1 {
		t.Fatalf("re-import with x101: %s %v", r.stdout, err)
	}
}

func TestMapSetAndMove(t *testing.T) {
	h := newHarness(t)
	agents := syncedProfile(t, h)
	if r := h.run("Extension,Name\n301,First\n302,Second\n", "users", "import", "--profile", "P", "-"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	id := fmt.Sprint(agents[5].ID)
	if r := h.run("", "map", "set", "--profile", "P", "--extension", "301", "--agent-id", id); r.code != 0 {
		t.Fatalf("map set: %+v", r)
	}
	list := func() []userJSON {
		var us []userJSON
		if err := json.Unmarshal([]byte(h.run("", "users", "list", "--profile", "P", "--json").stdout), &us); err != nil {
			t.Fatal(err)
		}
		return us
	}
	us := list()
	if us[0].AgentID == nil || *us[0].AgentID != agents[5].ID || us[0].MatchedBy != "manual" || us[0].Status != "mapped" {
		t.Fatalf("after set: %+v", us[0])
	}
	// The agent is taken: without --move it stays, with --move it moves.
	if r := h.run("", "map", "set", "--profile", "P", "--extension", "302", "--agent-id", id); r.code != 1 {
		t.Fatalf("taken agent without --move: %+v", r)
	}
	if r := h.run("", "map", "set", "--profile", "P", "--extension", "302", "--agent-id", id, "--move"); r.code != 0 {
		t.Fatalf("--move: %+v", r)
	}
	us = list()
	if us[0].Status != "unmapped" || us[1].AgentID == nil || *us[1].AgentID != agents[5].ID {
		t.Fatalf("after move: %+v", us)
	}
}

func TestResyncMarksMappingsStale(t *testing.T) {
	h := newHarness(t)
	srv := startHalo(t, halotest.Demo())
	h.run(srv.ClientSecret(), "profile", "add", "S", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin")
	h.run("", "sync", "--profile", "S")
	h.run("Extension,Name\n401,A\n402,B\n403,C\n", "users", "import", "--profile", "S", "-")
	db, _ := storage.Open(context.Background(), h.dir)
	p, _ := db.ProfileByName(context.Background(), "S")
	snap, _, _ := db.Snapshot(context.Background(), p.ID)
	db.Close()
	var ids []int
	for _, a := range snap.Agents {
		if !a.IsDisabled && !a.IsAPIAgent && len(ids) < 3 {
			ids = append(ids, a.ID)
		}
	}
	for i, ext := range []string{"401", "402", "403"} {
		if r := h.run("", "map", "set", "--profile", "S", "--extension", ext, "--agent-id", fmt.Sprint(ids[i])); r.code != 0 {
			t.Fatalf("map set: %+v", r)
		}
	}
	// In Halo, one agent leaves (disabled) and one is deleted; then re-sync.
	srv.DisableAgent(ids[0])
	srv.RemoveAgent(ids[1])
	if r := h.run("", "sync", "--profile", "S"); r.code != 0 {
		t.Fatalf("re-sync: %+v", r)
	}
	var us []userJSON
	json.Unmarshal([]byte(h.run("", "users", "list", "--profile", "S", "--json").stdout), &us)
	got := map[string]string{}
	for _, u := range us {
		got[u.Extension] = u.Status
	}
	if got["401"] != "stale" || got["402"] != "stale" || got["403"] != "mapped" {
		t.Fatalf("after re-sync: %v", got)
	}
}
