package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// A profile's secret goes only where it was entered for: after the URL
// (or the CA file, or the database) changes, no request carries it until
// the admin enters it again or confirms it with --keep-secret.
func TestSecretStaysWithItsDestination(t *testing.T) {
	home, other := startHalo(t, halotest.Demo()), startHalo(t, halotest.Demo())
	h := newHarness(t)
	if r := h.run(home.ClientSecret(), "profile", "add", "P", "--url", home.URL(), "--client-id", home.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := h.run("", "check", "--profile", "P"); r.code != 0 {
		t.Fatalf("check at home: %+v", r)
	}

	r := h.run("", "profile", "set", "P", "--url", other.URL())
	if r.code != 0 || !strings.Contains(r.stderr, "will not be sent to") || !strings.Contains(r.stderr, "--keep-secret") {
		t.Fatalf("set --url did not warn: %+v", r)
	}
	for _, args := range [][]string{{"check", "--profile", "P"}, {"sync", "--profile", "P"}, {"status", "--profile", "P", "--sync"}} {
		r := h.run("", args...)
		if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "was not sent") {
			t.Fatalf("%v after the URL changed: %+v", args, r)
		}
	}
	if n := other.TokenRequests(); n != 0 {
		t.Fatalf("the secret went to the new URL %d times before it was confirmed", n)
	}
	r = h.run("", "check", "--profile", "P", "--json")
	if !strings.Contains(r.stdout, `"step": "halo-13"`) || !strings.Contains(r.stdout, "The connection changed since its Client Secret was entered") {
		t.Fatalf("check --json does not fail at the credentials with the reason: %s", r.stdout)
	}

	if r := h.run(home.ClientSecret(), "profile", "set", "P", "--keep-secret", "--secret-stdin"); r.code != 2 {
		t.Fatalf("--keep-secret with a new secret: %+v", r)
	}
	if r := h.run("", "profile", "set", "P", "--keep-secret"); r.code != 0 || !strings.Contains(r.stdout, "may now be sent to") {
		t.Fatalf("keep: %+v", r)
	}
	if r := h.run("", "check", "--profile", "P"); r.code != 0 || other.TokenRequests() == 0 {
		t.Fatalf("check after --keep-secret: %+v", r)
	}

	// A changed CA file is a changed destination too.
	ca := filepath.Join(t.TempDir(), "ca.pem")
	tlsSrv := halotest.New(halotest.Scenario{TLS: true})
	defer tlsSrv.Close()
	pem, _ := tlsSrv.CAFile()
	b, _ := os.ReadFile(pem)
	os.WriteFile(ca, b, 0o600)
	if r := h.run("", "profile", "set", "P", "--ca-file", ca); r.code != 0 || !strings.Contains(r.stderr, "CA file") {
		t.Fatalf("set --ca-file: %+v", r)
	}
	before := other.TokenRequests()
	if r := h.run("", "check", "--profile", "P"); r.code != 1 || other.TokenRequests() != before {
		t.Fatalf("check after the CA file changed: %+v", r)
	}

	// Another program edits the database: the seal no longer matches.
	if r := h.run(other.ClientSecret(), "profile", "set", "P", "--ca-file", "", "--secret-stdin"); r.code != 0 {
		t.Fatalf("re-entering the secret: %+v", r)
	}
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(h.dir, "halo-assistant.db")+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(context.Background(), "UPDATE profiles SET halo_url = ?", home.URL()); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	homeBefore := home.TokenRequests()
	if r := h.run("", "check", "--profile", "P"); r.code != 1 || home.TokenRequests() != homeBefore {
		t.Fatalf("check after an edit of the database: %+v", r)
	}
}
