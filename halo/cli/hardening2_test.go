package cli

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

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

// check through the CLI: an API redirect to another port is refused and
// named, and an auth server on another host is a warning naming it.
func TestCheckRefusesAPIRedirectAndNamesAnotherAuthHost(t *testing.T) {
	other := startHalo(t, halotest.Demo())
	srv := startHalo(t, halotest.Scenario{APIRedirect: other.URL()})
	h := newHarness(t)
	h.env["HALO_CLIENT_SECRET"] = srv.ClientSecret()
	r := h.run("", "check", "--url", srv.URL(), "--client-id", srv.ClientID())
	if r.code != ExitFailed || !strings.Contains(r.stdout, other.URL()+"/api/Agent/me") {
		t.Fatalf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := other.Requests(); n != 0 {
		t.Fatalf("the other port received %d requests", n)
	}

	loc := startHalo(t, halotest.Scenario{AuthOnLocalhost: true})
	h.env["HALO_CLIENT_SECRET"] = loc.ClientSecret()
	r = h.run("", "check", "--url", loc.URL(), "--client-id", loc.ClientID(), "--json")
	c := decodeCheck(t, r.stdout)
	if r.code != 0 || *c.Checks[2].ID != "halo" || *c.Checks[2].Status != "warn" || !strings.Contains(*c.Checks[2].Detail, "localhost") {
		t.Fatalf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
