package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

// keysOf is the set of a JSON object's keys, sorted.
func keysOf(t *testing.T, raw []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string { sort.Strings(s); return s }

// wantFields checks a fix or undo JSON answer has exactly the contract's
// fields, and each change exactly contact_id, field, old, new, status.
func wantFields(t *testing.T, stdout string, fields []string) {
	t.Helper()
	if got := keysOf(t, []byte(stdout)); !slices.Equal(got, fields) {
		t.Fatalf("JSON fields %v, want %v", got, fields)
	}
	var v struct{ Changes []json.RawMessage }
	_ = json.Unmarshal([]byte(stdout), &v)
	for _, c := range v.Changes {
		if got := keysOf(t, c); !slices.Equal(got, sorted("contact_id", "field", "old", "new", "status")) {
			t.Fatalf("change fields %v", got)
		}
	}
}

var (
	fixFields  = sorted("ok", "profile", "run_id", "format", "region", "dry_run", "planned", "written", "skipped_changed", "failed", "changes")
	undoFields = sorted("ok", "profile", "run_id", "restored", "skipped_changed", "failed", "changes")
)

// decodeAs reads a command's JSON answer.
func decodeAs[T any](t *testing.T, r result) T {
	t.Helper()
	var out T
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v: %+v", err, r)
	}
	return out
}

func decodeFix(t *testing.T, r result) contactsFixJSON   { return decodeAs[contactsFixJSON](t, r) }
func decodeUndo(t *testing.T, r result) contactsUndoJSON { return decodeAs[contactsUndoJSON](t, r) }

// fixHarness is a harness with profile C against a simulated Halo.
func fixHarness(t *testing.T, sc halotest.Scenario) (*halotest.Server, *harness) {
	t.Helper()
	srv := startHalo(t, sc)
	h := newHarness(t)
	contactsProfile(t, h, srv, "C")
	return srv, h
}

func TestContactsFixDryRunWritesNothing(t *testing.T) {
	srv, h := fixHarness(t, halotest.Demo())
	plan := filepath.Join(t.TempDir(), "plan.csv")
	r := h.run("", "contacts", "fix", "--profile", "C", "--dry-run", "--json", "--out", plan)
	if r.code != 0 {
		t.Fatalf("dry run: %+v", r)
	}
	wantFields(t, r.stdout, fixFields)
	out := decodeFix(t, r)
	if !out.OK || !out.DryRun || out.RunID != 0 || out.Format != "e164" || out.Region != "GB" || out.Planned == 0 ||
		out.Written != 0 || len(out.Changes) != out.Planned || out.Changes[0].Status != "planned" {
		t.Fatalf("dry run %+v", out)
	}
	if srv.WritePOSTs() != 0 {
		t.Fatal("a dry run wrote to Halo")
	}
	rows := readCSV(t, plan)
	if strings.Join(rows[0], ",") != "Contact ID,Contact,Client,Field,Old,New,Status" || len(rows) != out.Planned+1 {
		t.Fatalf("plan CSV header %q, %d rows", rows[0], len(rows))
	}
	// Plain output lists the plan.
	r = h.run("", "contacts", "fix", "--profile", "C", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "Dry run: nothing was written") || strings.Count(r.stdout, " → ") != out.Planned {
		t.Fatalf("plain dry run: %+v", r)
	}
	// National format, from the flag.
	r = h.run("", "contacts", "fix", "--profile", "C", "--dry-run", "--json", "--format", "national")
	if n := decodeFix(t, r); r.code != 0 || n.Format != "national" || n.Changes[0].New[0] != '0' {
		t.Fatalf("national: %+v", r)
	}
}

// No terminal to confirm on and neither --yes nor --dry-run: nothing is
// written, nothing even asked of Halo, and the error names both flags.
func TestContactsFixNoTerminalWritesNothing(t *testing.T) {
	srv, h := fixHarness(t, halotest.Demo())
	before := srv.Requests()
	for _, args := range [][]string{{"contacts", "fix", "--profile", "C"}, {"contacts", "fix", "--profile", "C", "--json"}} {
		r := h.run("", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "--yes") || !strings.Contains(r.stderr, "--dry-run") || r.stdout != "" {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	if r := h.run("", "contacts", "undo", "--profile", "C"); r.code != 2 || !strings.Contains(r.stderr, "--yes") {
		t.Fatalf("undo: %+v", r)
	}
	if srv.Requests() != before || srv.WritePOSTs() != 0 {
		t.Fatal("Halo was asked")
	}
}

func TestContactsFixAndUndoWithYes(t *testing.T) {
	srv, h := fixHarness(t, halotest.Demo())
	r := h.run("", "contacts", "fix", "--profile", "C", "--yes", "--json")
	if r.code != 0 {
		t.Fatalf("fix: %+v", r)
	}
	wantFields(t, r.stdout, fixFields)
	fix := decodeFix(t, r)
	if !fix.OK || fix.DryRun || fix.RunID == 0 || fix.Written != fix.Planned || fix.Planned == 0 || fix.Failed+fix.SkippedChanged != 0 {
		t.Fatalf("fix %+v", fix)
	}
	for _, c := range fix.Changes {
		if v, _ := srv.ContactField(c.ContactID, c.Field); c.Status != "written" || v != c.New {
			t.Fatalf("%+v: Halo holds %q", c, v)
		}
	}
	if srv.CreatedUsers() != 0 {
		t.Fatal("a user was created")
	}
	// Nothing left to do: exit 0, written 0.
	r = h.run("", "contacts", "fix", "--profile", "C", "--yes", "--json")
	if again := decodeFix(t, r); r.code != 0 || again.Planned != 0 || again.RunID != 0 || !again.OK {
		t.Fatalf("second fix: %+v", r)
	}
	// status: a clean fix needs no attention.
	if r := h.run("", "status", "--profile", "C", "--json"); strings.Contains(r.stdout, attnContactsFixFailed) {
		t.Fatalf("status after a clean fix: %s", r.stdout)
	}

	r = h.run("", "contacts", "undo", "--profile", "C", "--yes", "--json")
	if r.code != 0 {
		t.Fatalf("undo: %+v", r)
	}
	wantFields(t, r.stdout, undoFields)
	undo := decodeUndo(t, r)
	if !undo.OK || undo.RunID != fix.RunID || undo.Restored != fix.Written || len(undo.Changes) != fix.Written {
		t.Fatalf("undo %+v", undo)
	}
	for _, c := range fix.Changes {
		if v, _ := srv.ContactField(c.ContactID, c.Field); v != c.Old {
			t.Fatalf("contact %d %s holds %q after undo, want %q", c.ContactID, c.Field, v, c.Old)
		}
	}
	// Nothing left to undo: exit 0, restored 0.
	r = h.run("", "contacts", "undo", "--profile", "C", "--yes", "--json")
	if u := decodeUndo(t, r); r.code != 0 || u.Restored != 0 || !u.OK {
		t.Fatalf("second undo: %+v", r)
	}
	// Plain output.
	r = h.run("", "contacts", "fix", "--profile", "C", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "Fixed (run ") || !strings.Contains(r.stdout, "hourly refresh") ||
		!strings.Contains(r.stdout, "contacts undo --profile C --run ") {
		t.Fatalf("plain fix: %+v", r)
	}
	// forget drops the journal and says what that means.
	r = h.run("", "contacts", "forget", "--profile", "C")
	if r.code != 0 || !strings.Contains(r.stdout, "undo is no longer possible") {
		t.Fatalf("forget: %+v", r)
	}
	if r := h.run("", "contacts", "undo", "--profile", "C", "--yes", "--json"); r.code != 0 || decodeUndo(t, r).Restored != 0 {
		t.Fatalf("undo after forget: %+v", r)
	}
	r = h.run("", "contacts", "fix", "--profile", "C", "--yes", "--format", "national")
	if r.code != 0 {
		t.Fatalf("national fix: %+v", r)
	}
	if r := h.run("", "profile", "remove", "C"); r.code != 0 || !strings.Contains(r.stdout, "undo is no longer possible") {
		t.Fatalf("remove: %+v", r)
	}
}

// --plan applies only the rows of a reviewed plan, skips a row whose Old
// Halo no longer holds (exit 1) and refuses a plan whose New is not the
// app's own rule (exit 2, nothing written).
func TestContactsFixPlanFile(t *testing.T) {
	srv, h := fixHarness(t, halotest.Demo())
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.csv")
	if r := h.run("", "contacts", "fix", "--profile", "C", "--dry-run", "--out", plan); r.code != 0 {
		t.Fatalf("plan: %+v", r)
	}
	b, _ := os.ReadFile(plan)
	lines := strings.SplitAfter(string(b), "\r\n")
	kept := filepath.Join(dir, "kept.csv")
	must(t, os.WriteFile(kept, []byte(strings.Join(lines[:4], "")), 0o600)) // header and three rows
	rows := readCSV(t, kept)

	forged := filepath.Join(dir, "forged.csv")
	bad := strings.Replace(lines[2], rows[2][5], "+449999999999", 1)
	must(t, os.WriteFile(forged, []byte(lines[0]+lines[1]+bad), 0o600))
	r := h.run("", "contacts", "fix", "--profile", "C", "--plan", forged, "--yes", "--json")
	if r.code != 2 || !strings.Contains(r.stderr, "line 3") || !strings.Contains(r.stderr, "New is not what the app makes of Old") || r.stdout != "" {
		t.Fatalf("forged plan: %+v", r)
	}
	if srv.WritePOSTs() != 0 {
		t.Fatal("a refused plan was written")
	}
	notPlan := filepath.Join(dir, "other.csv")
	must(t, os.WriteFile(notPlan, []byte("Extension,Name\r\n201,Ann\r\n"), 0o600))
	if r := h.run("", "contacts", "fix", "--profile", "C", "--plan", notPlan, "--yes"); r.code != 2 || !strings.Contains(r.stderr, "header") {
		t.Fatalf("not a plan: %+v", r)
	}

	// Someone changes the second row's field in Halo after the review.
	id := rows[2][0]
	var cid int
	_ = json.Unmarshal([]byte(id), &cid)
	srv.SetContactField(cid, rows[2][3], "0113 496 0000")
	r = h.run("", "contacts", "fix", "--profile", "C", "--plan", kept, "--yes", "--json")
	out := decodeFix(t, r)
	if r.code != 1 || out.Planned != 3 || out.Written != 2 || out.SkippedChanged != 1 || out.OK {
		t.Fatalf("applied plan: %+v", r)
	}
	if v, _ := srv.ContactField(cid, rows[2][3]); v != "0113 496 0000" {
		t.Fatalf("the person's edit became %q", v)
	}
	if n, _ := srv.WrittenEntries(); n != 2 {
		t.Fatalf("%d entries written for the two rows left", n)
	}
}

// 403 on the write: exit 2 (nothing written), the fix names the Feature
// Access row; status then needs attention.
func TestContactsFixForbidden(t *testing.T) {
	_, h := fixHarness(t, halotest.Scenario{WriteForbidden: true})
	r := h.run("", "contacts", "fix", "--profile", "C", "--yes", "--json")
	if r.code != 2 || !strings.Contains(r.stderr, "Users Access Level: Read and Modify") || !strings.Contains(r.stderr, "fix: ") {
		t.Fatalf("fix: %+v", r)
	}
	out := decodeFix(t, r)
	if out.OK || out.RunID == 0 || out.Written != 0 {
		t.Fatalf("JSON %+v", out)
	}
	r = h.run("", "status", "--profile", "C", "--json")
	if r.code != 1 || !strings.Contains(r.stdout, `"kind": "`+attnContactsFixFailed+`"`) || !strings.Contains(r.stdout, "Users Access Level") {
		t.Fatalf("status: %+v", r)
	}
}

// A 5xx on one batch fails that batch only: exit 1 with the counts; status
// counts the failures as needing attention until a clean run.
func TestContactsFixServerErrorOnOneBatch(t *testing.T) {
	var mu sync.Mutex
	posts := 0
	_, h := fixHarness(t, halotest.Scenario{OnWrite: func([]int) int {
		mu.Lock()
		defer mu.Unlock()
		if posts++; posts == 2 {
			return http.StatusInternalServerError
		}
		return 0
	}})
	r := h.run("", "contacts", "fix", "--profile", "C", "--yes", "--json")
	out := decodeFix(t, r)
	if r.code != 1 || out.Failed == 0 || out.Written == 0 || out.Written+out.Failed != out.Planned || out.OK {
		t.Fatalf("fix: %+v", r)
	}
	r = h.run("", "status", "--profile", "C")
	if r.code != 1 || !strings.Contains(r.stdout, attnContactsFixFailed) {
		t.Fatalf("status: %+v", r)
	}
	// The rest is fixed by running it again; then no attention.
	if r := h.run("", "contacts", "fix", "--profile", "C", "--yes", "--json"); r.code != 0 || decodeFix(t, r).Written != out.Failed {
		t.Fatalf("second fix: %+v", r)
	}
	if r := h.run("", "status", "--profile", "C"); strings.Contains(r.stdout, attnContactsFixFailed) {
		t.Fatalf("status after the clean run: %+v", r)
	}
}

// Undo with one field changed since: exit 1, that field skipped.
func TestContactsUndoSkipsChangedField(t *testing.T) {
	srv, h := fixHarness(t, halotest.Demo())
	fix := decodeFix(t, h.run("", "contacts", "fix", "--profile", "C", "--yes", "--json"))
	c := fix.Changes[2]
	srv.SetContactField(c.ContactID, c.Field, "07700 900123")
	r := h.run("", "contacts", "undo", "--profile", "C", "--run", itoa64(fix.RunID), "--yes", "--json")
	u := decodeUndo(t, r)
	if r.code != 1 || u.SkippedChanged != 1 || u.Restored != fix.Written-1 || u.RunID != fix.RunID {
		t.Fatalf("undo: %+v", r)
	}
	if v, _ := srv.ContactField(c.ContactID, c.Field); v != "07700 900123" {
		t.Fatalf("undo overwrote a later change: %q", v)
	}
	if r := h.run("", "contacts", "undo", "--profile", "C", "--run", "99999", "--yes"); r.code != 2 {
		t.Fatalf("unknown run: %+v", r)
	}
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

// --rate-share is a percentage from 25 to 100 on every command of bulk
// work; profile add/set store it and the fix format.
func TestRateShareFlagsAndProfileSettings(t *testing.T) {
	_, h := fixHarness(t, halotest.Demo())
	for _, args := range [][]string{
		{"contacts", "audit", "--profile", "C"}, {"contacts", "fix", "--profile", "C", "--dry-run"},
		{"contacts", "undo", "--profile", "C", "--yes"}, {"sync", "--profile", "C"},
	} {
		for _, bad := range []string{"10", "101", "x"} {
			if r := h.run("", append(args, "--rate-share", bad)...); r.code != 2 {
				t.Fatalf("%v --rate-share %s: %+v", args, bad, r)
			}
		}
	}
	if r := h.run("", "contacts", "fix", "--profile", "C", "--dry-run", "--rate-share", "100"); r.code != 0 {
		t.Fatalf("--rate-share 100: %+v", r)
	}
	if r := h.run("", "sync", "--profile", "C", "--rate-share", "25"); r.code != 0 {
		t.Fatalf("sync --rate-share 25: %+v", r)
	}
	if r := h.run("", "profile", "set", "C", "--fix-format", "national", "--rate-share", "75"); r.code != 0 {
		t.Fatalf("set: %+v", r)
	}
	var list []profileJSON
	_ = json.Unmarshal([]byte(h.run("", "profile", "list", "--json").stdout), &list)
	if len(list) != 1 || list[0].FixFormat != "national" || list[0].RateShare != 75 {
		t.Fatalf("list %+v", list)
	}
	if r := h.run("", "contacts", "fix", "--profile", "C", "--dry-run", "--json"); decodeFix(t, r).Format != "national" {
		t.Fatalf("the profile's format is not used: %+v", r)
	}
	for _, bad := range [][]string{{"--fix-format", "spaced"}, {"--rate-share", "5"}} {
		if r := h.run("", append([]string{"profile", "set", "C"}, bad...)...); r.code != 2 {
			t.Fatalf("set %v: %+v", bad, r)
		}
	}
	if r := h.run("", "profile", "set", "C", "--rate-share", "-"); r.code != 0 {
		t.Fatalf("reset: %+v", r)
	}
	if r := h.run("", "profile", "add", "D", "--fix-format", "national", "--rate-share", "30"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
}

// bulkContext's limit counts work, not the waits for the rate limit: a
// pull paced past the limit finishes; haloContext's would have stopped.
func TestBulkContextLeavesOutPacing(t *testing.T) {
	srv := startHalo(t, halotest.Scenario{Contacts: halotest.ContactScenario{Count: 600, Seed: 1}})
	r := &runner{env: Env{Getenv: func(k string) string {
		if k == timeoutEnv {
			return "400ms"
		}
		return ""
	}}}
	cfg := halo.Config{URL: srv.URL(), ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(), HTTPClient: srv.Client(),
		RateLimit: 3, RateWindow: 300 * time.Millisecond, RateShare: 100, Now: time.Now}
	c, err := halo.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel, err := r.bulkContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	t0 := time.Now()
	all, err := c.Contacts(ctx, nil)
	if err != nil || len(all) != srv.ContactsVisible() {
		t.Fatalf("%d contacts, %v", len(all), err)
	}
	if took := time.Since(t0); took < 400*time.Millisecond {
		t.Fatalf("the pull took %v: it did not wait past the limit, so the test proves nothing", took)
	}

	// A slow Halo still meets the limit, named as such.
	slow := startHalo(t, halotest.Scenario{Latency: 300 * time.Millisecond, Contacts: halotest.ContactScenario{Count: 900}})
	cfg.URL, cfg.HTTPClient, cfg.RateLimit = slow.URL(), slow.Client(), 0
	c, _ = halo.NewClient(cfg)
	ctx2, cancel2, _ := r.bulkContext(context.Background())
	defer cancel2()
	_, err = c.Contacts(ctx2, nil)
	if halo.KindOf(err) != halo.KindTimeout || !strings.Contains(err.Error(), "time limit of 400ms ran out") {
		t.Fatalf("slow Halo: %v", err)
	}
}

// The confirmation on a terminal names the Halo and the number of
// changes; only "yes" writes.
func TestContactsFixConfirmsOnTerminal(t *testing.T) {
	srv, h := fixHarness(t, halotest.Demo())
	planned := decodeFix(t, h.run("", "contacts", "fix", "--profile", "C", "--dry-run", "--json")).Planned

	r := h.runTerminal(t, "no\n", "contacts", "fix", "--profile", "C")
	if r.code != 2 || !strings.Contains(r.stderr, srv.URL()) || !strings.Contains(r.stderr, halo.CountOf(planned, "change")) ||
		!strings.Contains(r.stderr, "nothing was written") || srv.WritePOSTs() != 0 {
		t.Fatalf("declined: %+v", r)
	}
	r = h.runTerminal(t, "yes\n", "contacts", "fix", "--profile", "C")
	if r.code != 0 || srv.WritePOSTs() == 0 {
		t.Fatalf("confirmed: %+v", r)
	}
	r = h.runTerminal(t, "yes\n", "contacts", "undo", "--profile", "C")
	if r.code != 0 || !strings.Contains(r.stderr, "Restore "+halo.CountOf(planned, "value")) {
		t.Fatalf("undo confirmed: %+v", r)
	}
}

func TestFixStatusAttentionKinds(t *testing.T) {
	now := time.Now()
	d := &storage.DayTwo{Profile: storage.Profile{Name: "P"}, Fixed: true,
		FixRun: storage.FixRun{ID: 4, Kind: storage.FixKindFix, State: storage.FixRunning, StartedAt: now.Add(-2 * time.Hour), Planned: 10, Written: 4}}
	var out statusJSON
	out.OK = true
	addFixStatus(d, &out, now)
	if out.OK || len(out.Attention) != 1 || !strings.Contains(out.Attention[0].Detail, "interrupted") {
		t.Fatalf("%+v", out)
	}
	d.FixRun.StartedAt = now // still running: no attention yet
	out = statusJSON{OK: true}
	if addFixStatus(d, &out, now); !out.OK {
		t.Fatalf("a running fix needs attention: %+v", out)
	}
	_ = contacts.FormatE164
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
