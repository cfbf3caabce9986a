package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// dayTwoProfile makes profile "D" synced against a demo Halo with users
// 401–403 mapped to the first three usable agents, and returns the server
// and the usable agents' IDs.
func dayTwoProfile(t *testing.T, h *harness) (*halotest.Server, []int) {
	t.Helper()
	srv := startHalo(t, halotest.Demo())
	if r := h.run(srv.ClientSecret(), "profile", "add", "D", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := h.run("", "sync", "--profile", "D"); r.code != 0 {
		t.Fatalf("sync: %+v", r)
	}
	if r := h.run("Extension,Name\n401,Ann\n402,Ben\n403,Cat\n", "users", "import", "--profile", "D", "-"); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	db, err := storage.Open(context.Background(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := db.ProfileByName(context.Background(), "D")
	snap, _, _ := db.Snapshot(context.Background(), p.ID)
	db.Close()
	var ids []int
	for _, a := range snap.Agents {
		if !a.IsDisabled && !a.IsAPIAgent {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) < 6 {
		t.Fatalf("demo has only %d usable agents", len(ids))
	}
	for i, ext := range []string{"401", "402", "403"} {
		if r := h.run("", "map", "set", "--profile", "D", "--extension", ext, "--agent-id", fmt.Sprint(ids[i])); r.code != 0 {
			t.Fatalf("map set: %+v", r)
		}
	}
	return srv, ids
}

func decodeStatus(t *testing.T, r result) statusJSON {
	t.Helper()
	var s statusJSON
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("status JSON %v: %+v", err, r)
	}
	return s
}

func attentionKinds(s statusJSON) string {
	var k []string
	for _, a := range s.Attention {
		if a.Kind == "" || a.Detail == "" || a.Fix == "" {
			t := a
			return fmt.Sprintf("incomplete item %+v", t)
		}
		k = append(k, a.Kind)
	}
	return strings.Join(k, ",")
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\r\n") {
		t.Errorf("%s is not CRLF", path)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDayTwoStatusChangesAndExportChanges(t *testing.T) {
	h := newHarness(t)
	srv, ids := dayTwoProfile(t, h)
	dir := t.TempDir()

	// Before the first export every mapping is a change, and no check has run.
	r := h.run("", "status", "--profile", "D", "--json")
	s := decodeStatus(t, r)
	if r.code != 1 || s.OK || s.Users != 3 || s.Mapped != 3 || s.ChangesSinceExport != 3 || s.LastExport != nil ||
		s.LastSync == nil || s.LastCheck != nil || attentionKinds(s) != "changes,no_check" {
		t.Fatalf("before export: %+v", r)
	}
	for _, key := range []string{`"ok"`, `"profile"`, `"users"`, `"mapped"`, `"unmapped"`, `"stale"`, `"changes_since_export"`,
		`"last_export": null`, `"last_sync"`, `"last_check": null`, `"attention"`, `"kind"`, `"detail"`, `"fix"`} {
		if !strings.Contains(r.stdout, key) {
			t.Errorf("status JSON lacks %s", key)
		}
	}
	if r := h.run("", "check", "--profile", "D"); r.code != 0 {
		t.Fatalf("check: %+v", r)
	}
	full := filepath.Join(dir, "full.csv")
	if r := h.run("", "export", "--profile", "D", "--out", full); r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	r = h.run("", "status", "--profile", "D", "--json")
	s = decodeStatus(t, r)
	if r.code != 0 || !s.OK || s.ChangesSinceExport != 0 || s.LastExport == nil || s.LastCheck == nil || !s.LastCheck.OK || len(s.Attention) != 0 {
		t.Fatalf("after export: %+v", r)
	}
	r = h.run("", "status", "--profile", "D")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "OK D: 3 users, 3 mapped, 0 unmapped, 0 stale; 0 changes since the last export") ||
		strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("plain status: %+v", r)
	}

	// Day two: more users, a changed and a removed mapping, and an agent
	// disabled in Halo, seen by status --sync.
	if r := h.run("Extension,Name\n404,Dan\n405,Eve\n", "users", "import", "--profile", "D", "-"); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	h.run("", "map", "set", "--profile", "D", "--extension", "404", "--agent-id", fmt.Sprint(ids[3]))
	h.run("", "map", "set", "--profile", "D", "--extension", "402", "--agent-id", fmt.Sprint(ids[4]))
	h.run("", "map", "remove", "--profile", "D", "--extension", "403")
	srv.DisableAgent(ids[0])
	r = h.run("", "status", "--profile", "D", "--json")
	if s := decodeStatus(t, r); s.Stale != 0 || s.ChangesSinceExport != 3 {
		t.Fatalf("without --sync the disabled agent is not seen yet: %+v", r)
	}
	r = h.run("", "status", "--profile", "D", "--sync", "--json")
	s = decodeStatus(t, r)
	if r.code != 1 || s.Users != 5 || s.Mapped != 2 || s.Unmapped != 2 || s.Stale != 1 || s.ChangesSinceExport != 4 ||
		attentionKinds(s) != "unmapped,stale,changes" {
		t.Fatalf("after --sync: %+v", r)
	}
	if !strings.Contains(s.Attention[1].Detail, "Ext. 401 Ann") || !strings.Contains(s.Attention[1].Detail, "agent disabled in Halo") {
		t.Errorf("stale attention: %+v", s.Attention[1])
	}
	r = h.run("", "status", "--profile", "D")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 1 || len(lines) != 4 || !strings.HasPrefix(lines[0], "ATTENTION D: 5 users") || !strings.HasPrefix(lines[2], "- stale: ") ||
		!strings.Contains(lines[3], "Fix: halo-assistant export --profile D --changes") {
		t.Fatalf("plain status: %+v", r)
	}

	r = h.run("", "changes", "--profile", "D")
	for _, want := range []string{"4 changes since the last export", "changed  set Ext. 402 Ben → ", "added    set Ext. 404 Dan → ",
		"removed  clear Ext. 401 Ann  (agent disabled in Halo)", "removed  clear Ext. 403 Cat  (mapping removed)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("changes lacks %q:\n%s", want, r.stdout)
		}
	}

	ch := filepath.Join(dir, "changes.csv")
	if r := h.run("", "export", "--profile", "D", "--changes", "--out", ch, "--bom"); r.code != 0 {
		t.Fatalf("export --changes: %+v", r)
	}
	raw, _ := os.ReadFile(ch)
	if !strings.HasPrefix(string(raw), "\uFEFFChange,Extension,1stream User,1stream Email,Halo Agent ID,Halo Agent,Halo Agent Email,Matched By,Mapped At\r\n") {
		t.Fatalf("header: %q", raw[:120])
	}
	rows := readCSV(t, ch)[1:]
	got := make([]string, len(rows))
	for i, row := range rows {
		got[i] = row[0] + " " + row[1] + " " + row[4]
	}
	want := []string{"changed 402 " + fmt.Sprint(ids[4]), "added 404 " + fmt.Sprint(ids[3]),
		"removed 401 " + fmt.Sprint(ids[0]), "removed 403 " + fmt.Sprint(ids[2])}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("changes rows %v, want %v", got, want)
	}

	// The changes export is the new baseline.
	var cj changesJSON
	json.Unmarshal([]byte(h.run("", "changes", "--profile", "D", "--json").stdout), &cj)
	if len(cj.Changes) != 0 || cj.LastExport == nil {
		t.Fatalf("after export --changes: %+v", cj)
	}
	r = h.run("", "status", "--profile", "D", "--json")
	if s := decodeStatus(t, r); r.code != 1 || s.ChangesSinceExport != 0 || attentionKinds(s) != "unmapped,stale" {
		t.Fatalf("after export --changes: %+v", r)
	}

	db, p := h.profileDB(t, "D")
	exps, _ := db.Exports(context.Background(), p.ID, 0)
	if len(exps) != 2 || exps[0].Kind != storage.ExportChanges || exps[0].Written != 4 || exps[0].File != ch ||
		exps[1].Kind != storage.ExportFull || exps[1].Written != 3 || exps[1].File != full {
		t.Fatalf("exports: %+v", exps)
	}
}

func TestStatusExitCodes(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"status"}, 2, "--profile NAME is required"},
		{[]string{"status", "--profile", "D", "--bogus"}, 2, "bogus"},
		{[]string{"status", "--profile", "D", "extra"}, 2, "no arguments"},
		{[]string{"status", "--profile", "Nope"}, 1, `no profile named "Nope"`},
		{[]string{"status", "--profile", "Nope", "--json"}, 1, `no profile named "Nope"`},
		{[]string{"export", "--profile", "Nope", "--changes", "--include-unmapped"}, 2, "cannot be combined"},
		{[]string{"record", "--profile", "Nope", "--out", "x.txt"}, 2, "Markdown (.md) or HTML (.html)"},
		{[]string{"record", "--profile", "Nope"}, 2, "--out FILE is required"},
		{[]string{"changes"}, 2, "--profile NAME is required"},
	} {
		r := h.run("", tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.msg)
		}
	}
}

func TestStatusSyncFailureNeedsAttention(t *testing.T) {
	h := newHarness(t)
	srv, _ := dayTwoProfile(t, h)
	srv.Close()
	r := h.run("", "status", "--profile", "D", "--sync", "--json")
	s := decodeStatus(t, r)
	if r.code != 1 || len(s.Attention) == 0 || s.Attention[0].Kind != "sync_failed" || s.LastSync == nil {
		t.Fatalf("status --sync with Halo down: %+v", r)
	}
}

func TestRecordHasNoSecret(t *testing.T) {
	h := newHarness(t)
	h.realKeyring()
	const secret = "7f3e1c2a-9b8d-4e6f-a1b2-c3d4e5f60718-record-secret-0a9b8c7d6e5f"
	srv := halotest.New(halotest.Scenario{ClientSecret: secret})
	defer srv.Close()
	if r := h.run(secret, "profile", "add", "Rec", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	t.Cleanup(func() { _ = h.secrets.Delete(context.Background(), profileID(t, h, "Rec")) })
	if got, err := h.secrets.Get(context.Background(), profileID(t, h, "Rec")); err != nil || got != secret {
		t.Fatalf("the secret is not in the keyring: %v", err)
	}
	if r := h.run("", "check", "--profile", "Rec"); r.code != 0 {
		t.Fatalf("check: %+v", r)
	}
	h.run("Extension,Name\n501,Zoë <b>Ray</b>\n", "users", "import", "--profile", "Rec", "-")
	dir := t.TempDir()
	for _, name := range []string{"record.md", "record.html"} {
		out := filepath.Join(dir, name)
		if r := h.run("", "record", "--profile", "Rec", "--out", out); r.code != 0 {
			t.Fatalf("record %s: %+v", name, r)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		doc := string(b)
		for _, want := range []string{"CRM Platform", "HaloPSA", srv.ClientID(), strings.TrimSuffix(srv.URL(), "/") + "/api/",
			"never written here", "Last check: ", "passed", "Setup checklist", "Select Configurations.", "Click on the Systems Check link.", "501", "unmapped", "Changes since the last export (never)"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if strings.HasSuffix(name, ".html") && (!strings.Contains(doc, "Zoë &lt;b&gt;Ray&lt;/b&gt;") || strings.Contains(doc, "<b>Ray")) {
			t.Errorf("%s does not escape user names", name)
		}
	}
	scanForSecret(t, secret, dir, h.dir)
}

// BenchmarkStatus10k is `status --json` without --sync on 10,000 mapped
// users, 10,000 agents and a baseline of 10,000 rows (target < 300 ms).
func BenchmarkStatus10k(b *testing.B) {
	h := &harness{dir: b.TempDir(), env: map[string]string{}, secrets: storage.NewMemorySecrets()}
	ctx := context.Background()
	db, err := storage.Open(ctx, h.dir)
	if err != nil {
		b.Fatal(err)
	}
	p, err := db.CreateProfile(ctx, storage.Profile{Name: "B", HaloURL: "https://b.halopsa.com", ClientID: "id"})
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	agents := make([]halo.Agent, n)
	users := make([]mapping.User, n)
	for i := range n {
		agents[i] = halo.Agent{ID: i + 1, Name: fmt.Sprintf("Agent %d", i), Email: fmt.Sprintf("a%d@msp.example", i)}
		users[i] = mapping.User{ProfileID: p.ID, Extension: fmt.Sprint(1000 + i), Name: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("u%d@msp.example", i)}
	}
	if err := db.ReplaceSnapshot(ctx, p.ID, halo.Snapshot{Agents: agents}, time.Now()); err != nil {
		b.Fatal(err)
	}
	if _, _, err := db.UpsertUsers(ctx, p.ID, users); err != nil {
		b.Fatal(err)
	}
	stored, _ := db.Users(ctx, p.ID)
	ms := make([]mapping.Mapping, n)
	for i, u := range stored {
		a := agents[i]
		ms[i] = mapping.Mapping{ProfileID: p.ID, UserID: u.ID, AgentID: a.ID, AgentName: a.Name, AgentEmail: a.Email, MatchedBy: "email", MappedAt: time.Now()}
	}
	if err := db.SetMappings(ctx, p.ID, ms); err != nil {
		b.Fatal(err)
	}
	d, err := storage.LoadDayTwo(ctx, db, p.ID)
	if err != nil {
		b.Fatal(err)
	}
	if err := storage.SaveExport(ctx, db, d, storage.ExportFull, "x.csv", mapping.ExportRows(d.Users, d.Mappings), n); err != nil {
		b.Fatal(err)
	}
	db.Close()
	h.t = &testing.T{}
	b.ResetTimer()
	for b.Loop() {
		if r := h.run("", "status", "--profile", "B", "--json"); !strings.Contains(r.stdout, `"users": 10000`) {
			b.Fatalf("status: %+v", r)
		}
	}
}
