package cli

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// dirBytes is the total size of the files under dir.
func dirBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// 1 MiB names from Halo (agent, team, organisation) stay out of the check
// report, the database and --json: they are clipped where decoded.
func TestHugeNamesKeepReportsDatabaseAndJSONSmall(t *testing.T) {
	srv := startHalo(t, halotest.Scenario{HugeNames: true})
	h := newHarness(t)
	if r := h.run(srv.ClientSecret(), "profile", "add", "Big", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	for range 3 {
		r := h.run("", "check", "--profile", "Big", "--json")
		if r.code != 0 {
			t.Fatalf("check: %d %s", r.code, r.stderr)
		}
		decodeCheck(t, r.stdout)
		if len(r.stdout) > 64<<10 {
			t.Fatalf("check --json printed %d bytes", len(r.stdout))
		}
		if !strings.Contains(r.stdout, "…") {
			t.Fatalf("no clipped name in the report:\n%.2000s", r.stdout)
		}
	}
	if r := h.run("", "status", "--profile", "Big", "--sync", "--json"); len(r.stdout) > 64<<10 || r.stdout == "" {
		t.Fatalf("status --sync --json: exit %d, %d bytes (%s)", r.code, len(r.stdout), r.stderr)
	}
	if n := dirBytes(t, h.dir); n > 2<<20 {
		t.Fatalf("the data directory holds %d bytes after three checks and a sync", n)
	}
}

// status --sync against a Halo that serves one agent per page slowly stops
// at the command's time limit, naming the page that was still coming and
// how to allow longer; a time limit that is no duration is a usage error.
func TestStatusSyncStopsAtTheCommandTimeLimit(t *testing.T) {
	srv := startHalo(t, halotest.Scenario{Paged: true, MaxPageSize: 1, Latency: 100 * time.Millisecond})
	h := newHarness(t)
	if r := h.run(srv.ClientSecret(), "profile", "add", "Slow", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	h.env["HALO_ASSISTANT_TIMEOUT"] = "700ms"
	start := time.Now()
	r := h.run("", "status", "--profile", "Slow", "--sync")
	out := r.stdout + r.stderr
	if r.code == 0 || !strings.Contains(out, "/api/Agent (page ") || !strings.Contains(out, "time limit of 700ms ran out") || !strings.Contains(out, "HALO_ASSISTANT_TIMEOUT") {
		t.Fatalf("status --sync: exit %d\n%s", r.code, out)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("status --sync ran %v past a 700ms limit", d)
	}
	r = h.run("", "check", "--profile", "Slow")
	if r.code == 0 || !strings.Contains(r.stdout, "time limit of 700ms ran out") {
		t.Fatalf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	h.env["HALO_ASSISTANT_TIMEOUT"] = "soon"
	for _, args := range [][]string{{"sync", "--profile", "Slow"}, {"status", "--profile", "Slow", "--sync"}, {"check", "--profile", "Slow"}} {
		if r := h.run("", args...); r.code != ExitUsage || !strings.Contains(r.stderr, "HALO_ASSISTANT_TIMEOUT") {
			t.Fatalf("%v with a bad time limit: exit %d %s", args, r.code, r.stderr)
		}
	}
}
